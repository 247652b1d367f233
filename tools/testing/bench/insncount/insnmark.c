// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark [profile]: execute the mark instruction of the insncount QEMU
 * plugin once (insncount.c), so that it writes every vCPU's instruction
 * count to its file; with "profile", the profile mark, which also writes
 * the per-address profile since the last one. Outside a VM with the plugin
 * both are NOPs.
 */
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "profile"))
		/* nopl 0x50524546(%rax) */
		__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x46, 0x45, 0x52, 0x50");
	else
		/* nopl 0x52524546(%rax) */
		__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x46, 0x45, 0x52, 0x52");
	return 0;
}
