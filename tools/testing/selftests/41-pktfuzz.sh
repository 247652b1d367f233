#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Packet fuzzing, short run: 50,000 frames mutated from the seed corpus
# into an attached veth port and a ferroute device (lib/pktfuzz.sh); no
# oops or warning, the receive ledger balances, pings still work.
FRAMES=${FRAMES:-50000}
. "$(dirname "$0")/lib/pktfuzz.sh"
