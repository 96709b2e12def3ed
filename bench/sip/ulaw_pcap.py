#!/usr/bin/env python3
"""Writes a µ-law copy of SIPp's g711a.pcap, REPEAT times back to back as one stream: each
RTP payload converted A-law -> µ-law and the payload type set to 0, so that neither relay
in the SIP benchmark has to transcode (SIPp's built-in uas answers PCMU whatever is
offered); sequence numbers, RTP timestamps and capture times continue across the repeats,
so a receiver sees one steady 28 s stream, not four restarts (which its loss and jitter
counters would take for gaps and huge jitter).
Usage: ulaw_pcap.py IN.pcap OUT.pcap [REPEAT]"""
import audioop  # Python 3.11 (Debian 12) still has it
import struct
import sys

data = open(sys.argv[1], "rb").read()
magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
link_len = {1: 14, 113: 16}[linktype]  # Ethernet or Linux cooked capture
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
packets = []
off = 24
while off + 16 <= len(data):
    ts_s, ts_us, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    packets.append((ts_s + ts_us / 1e6, bytearray(data[off + 16:off + 16 + incl])))
    off += 16 + incl
period = packets[-1][0] - packets[0][0] + 0.02  # one more packet time between repeats
out = bytearray(data[:24])
seq = ts = None
for r in range(repeat):
    for t, original in packets:
        pkt = bytearray(original)
        ip = link_len
        udp = ip + (pkt[ip] & 0x0F) * 4
        rtp = udp + 8
        payload = rtp + 12 + 4 * (pkt[rtp] & 0x0F)
        if (pkt[rtp + 1] & 0x7F) == 8:
            pkt[rtp + 1] = pkt[rtp + 1] & 0x80
            pkt[payload:] = audioop.lin2ulaw(audioop.alaw2lin(bytes(pkt[payload:]), 2), 2)
        # Continue sequence numbers and timestamps: 8000 Hz, 20 ms between repeats.
        s0, t0 = struct.unpack("!HI", pkt[rtp + 2:rtp + 8])
        if seq is None:
            seq, ts, first_s0, first_t0 = s0, t0, s0, t0
        new_seq = (first_s0 + (s0 - first_s0) % 65536 + r * len(packets)) % 65536
        new_ts = (first_t0 + (t0 - first_t0) % 2**32 + r * int(period * 8000)) % 2**32
        pkt[rtp + 2:rtp + 8] = struct.pack("!HI", new_seq, new_ts)
        pkt[udp + 6:udp + 8] = b"\0\0"  # no UDP checksum (allowed over IPv4)
        when = t + r * period
        out += struct.pack("<IIII", int(when), int(round((when % 1) * 1e6)) % 1000000,
                           len(pkt), len(pkt)) + pkt
open(sys.argv[2], "wb").write(out)
