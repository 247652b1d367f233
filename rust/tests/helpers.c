// SPDX-License-Identifier: GPL-2.0
/*
 * The abstractions' C helpers, compiled once more for the test module: an
 * object file can belong to one module only, so ferroute_kunit.ko gets its
 * own copy of rust/abstractions/helpers.c through this file.
 */
#include "../abstractions/helpers.c"
