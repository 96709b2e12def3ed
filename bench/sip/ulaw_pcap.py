#!/usr/bin/env python3
"""Writes a µ-law copy of SIPp's g711a.pcap: same packets and timing, each RTP payload
converted A-law -> µ-law and the payload type set to 0, so that neither relay in the SIP
benchmark has to transcode (SIPp's built-in uas answers PCMU whatever is offered).
Usage: ulaw_pcap.py IN.pcap OUT.pcap"""
import audioop  # Python 3.11 (Debian 12) still has it
import struct
import sys

data = open(sys.argv[1], "rb").read()
magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
link_len = {1: 14, 113: 16}[linktype]  # Ethernet or Linux cooked capture
out = bytearray(data[:24])
off = 24
while off + 16 <= len(data):
    ts_s, ts_us, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    pkt = bytearray(data[off + 16:off + 16 + incl])
    ip = link_len
    ihl = (pkt[ip] & 0x0F) * 4
    udp = ip + ihl
    rtp = udp + 8
    cc = pkt[rtp] & 0x0F
    payload = rtp + 12 + 4 * cc
    if (pkt[rtp + 1] & 0x7F) == 8:
        pkt[rtp + 1] = (pkt[rtp + 1] & 0x80) | 0
        pcm = audioop.alaw2lin(bytes(pkt[payload:]), 2)
        pkt[payload:] = audioop.lin2ulaw(pcm, 2)
        pkt[udp + 6:udp + 8] = b"\0\0"  # no UDP checksum (allowed over IPv4)
    out += struct.pack("<IIII", ts_s, ts_us, len(pkt), len(pkt)) + pkt
    off += 16 + incl
open(sys.argv[2], "wb").write(out)
