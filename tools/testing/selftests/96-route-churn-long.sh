#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# slow
# timeout: 3600
# Route churn under traffic, long run (make stress; lib/churn.sh): 100,000
# route updates while a ping every 5 ms to an unchanged prefix loses
# nothing.
UPDATES=${UPDATES:-100000}
. "$(dirname "$0")/lib/churn.sh"
