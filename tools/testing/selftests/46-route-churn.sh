#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Route churn under traffic, short run (lib/churn.sh): 2,000 route
# adds/replaces (multipath too)/deletes, including the route a flow uses,
# while a ping every 5 ms to an unchanged prefix loses nothing.
UPDATES=${UPDATES:-2000}
. "$(dirname "$0")/lib/churn.sh"
