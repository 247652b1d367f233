// SPDX-License-Identifier: GPL-2.0
/*
 * The C helper of the KUnit abstraction (kunit.rs). Linked into the test
 * module ferroute_kunit.ko only, so that ferroute.ko references no KUnit
 * symbol.
 */
#include <kunit/test.h>
#include "bindings_helper.h"

void ferroute_kunit_fail(struct kunit *test, const char *file, int line,
			 const char *msg)
{
	kunit_set_failure(test);
	/* kunit_err() adds the "    # case: " prefix itself. */
	kunit_err(test, "%s:%d: expected %s\n", file, line, msg);
}
