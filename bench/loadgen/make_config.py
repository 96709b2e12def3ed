#!/usr/bin/env python3
"""Writes a server config for the benchmarks (contract section 7).

Usage: make_config.py OUT.json [--agents N] [--max-connections N] [--sip-agents N --sip-port P]
                      [--storm-agents N --storm-hash HASH]

One queue "q" (no wrap-up, long offer timeout, very long max wait), agents a0..a(N-1)
with password "pw", wallboard tv1/pwtv, gateway pbx/pwpbx. Passwords are plain: the
server compares those as they are, so the benchmarks measure the server, not the password
hash (Argon2id, on purpose slow), which would otherwise dominate 10,000 logins (a hash of
an older kind would also be upgraded at each first login). Rate limits are raised so the
load generator is never throttled. The login storm's agents st0..st(N-1) are the
exception: they carry a real hash (`acdesk passwd`, one for all of them: the work of a
check is the same), because the storm measures exactly that work.
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--agents", type=int, default=0)
ap.add_argument("--max-connections", type=int, default=30000)
ap.add_argument("--sip-agents", type=int, default=0,
                help="SIP benchmark: queue 'sip' with hotline 100 and agents s0..s(N-1)")
ap.add_argument("--sip-port", type=int, default=5060)
ap.add_argument("--storm-agents", type=int, default=0,
                help="login storm: agents st0..st(N-1) in queue q with --storm-hash")
ap.add_argument("--storm-hash", default="")
args = ap.parse_args()

config = {
    "timeZone": "UTC",
    "queues": [{"id": "q", "name": "Bench", "strategy": "longest_idle", "slSeconds": 20,
                "wrapUpSeconds": 0, "offerTimeoutSeconds": 600, "maxWaitSeconds": 86400}],
    "agents": [{"id": "a%d" % i, "name": "Agent %d" % i, "password": "pw",
                "queues": ["q"]} for i in range(args.agents)],
    "wallboards": [{"id": "tv1", "secret": "pwtv"}],
    "gateways": [{"id": "pbx", "name": "Bench PBX", "secret": "pwpbx"}],
    "server": {"limits": {"maxConnections": args.max_connections, "requestsPerSecond": 100000,
                          "requestBurst": 1000000, "loginTimeoutSeconds": 120,
                          "pingSeconds": 3600}},
}
if args.sip_agents:
    config["queues"].append({"id": "sip", "name": "SIP bench", "strategy": "longest_idle",
                             "slSeconds": 20, "wrapUpSeconds": 0, "offerTimeoutSeconds": 60,
                             "maxWaitSeconds": 86400})
    config["agents"] += [{"id": "s%d" % i, "name": "SIP agent %d" % i,
                          "password": "pw", "queues": ["sip"]}
                         for i in range(args.sip_agents)]
    config["hotlines"] = [{"number": "100", "name": "Bench hotline", "queue": "sip"}]
    config["sip"] = {"listen": "127.0.0.1:%d" % args.sip_port, "trusted": ["127.0.0.0/8"],
                     "rtpPorts": "20000-59999", "rtpTimeoutSeconds": 60,
                     "maxInvitesPerSecond": 1000}
if args.storm_agents:
    config["agents"] += [{"id": "st%d" % i, "name": "Storm agent %d" % i,
                          "passwordHash": args.storm_hash, "queues": ["q"]}
                         for i in range(args.storm_agents)]
with open(args.out, "w", encoding="utf-8") as f:
    json.dump(config, f, indent=1)
