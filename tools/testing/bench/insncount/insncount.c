// SPDX-License-Identifier: GPL-2.0
/*
 * insncount: a QEMU TCG plugin that counts the guest instructions each
 * vCPU executes, and writes the counts of every vCPU to a file whenever the
 * guest executes the mark instruction (insnmark.c).
 *
 *   qemu-system-x86_64 -plugin insncount.so,out=FILE ...
 *
 * The count of a vCPU is the sum of the sizes (in instructions) of the
 * translation blocks it executed, split into kernel (a block starting at
 * a canonical upper-half address) and user. A block left early (an
 * exception, an interrupt taken inside it) counts whole, an error of a few
 * instructions per such event.
 *
 * The mark is "nopl 0x52524546(%rax)" (0f 1f 80 'F' 'E' 'R' 'R'): a
 * multi-byte NOP no compiler emits (they pad with a zero displacement).
 * Each time a vCPU executes it, one line is appended to FILE and flushed:
 *
 *   mark SEQ VCPU total0 kernel0 total1 kernel1 ...
 *
 * SEQ counts the marks from 1; VCPU is the vCPU that executed it. The
 * guest reads the file (it is in a directory it shares) after a mark.
 *
 * The profile mark, "nopl 0x50524546(%rax)" ('F' 'E' 'R' 'P'), writes
 * FILE.prof.SEQ: for each vCPU and each guest address a translation block
 * starts at, the instructions executed in blocks starting there since the
 * previous profile mark, and how many times such a block ran, one line
 * each:
 *
 *   VCPU ADDRESS INSTRUCTIONS EXECUTIONS
 *
 * (the address in hex; lines with no instructions left out). The guest
 * names the addresses from /proc/kallsyms: a per-function profile in
 * instructions, which the host's load does not move. The executions of
 * the block at a function's address are its calls in the window.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS 4

static const unsigned char mark_insn[] = { 0x0f, 0x1f, 0x80, 'F', 'E', 'R', 'R' };
static const unsigned char profile_insn[] = { 0x0f, 0x1f, 0x80, 'F', 'E', 'R', 'P' };

/* One cache line per vCPU: each vCPU thread adds to its own. */
struct vcpu_count {
	uint64_t total;
	uint64_t kernel;
} __attribute__((aligned(64)));

/* One translation of a block: its start, size, and executions per vCPU. */
struct block {
	uint64_t vaddr;
	uint32_t insns;
	bool kernel;
	uint64_t execs[MAX_VCPUS];
	/* execs at the last profile mark */
	uint64_t reported[MAX_VCPUS];
};

static struct vcpu_count counts[MAX_VCPUS];
static int vcpus;
static FILE *out;
static const char *out_path;
static uint64_t seq;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
/* Every block translated, for the profile; appended under out_lock. */
static struct block **blocks;
static size_t n_blocks, cap_blocks;

static void tb_exec(unsigned int vcpu, void *udata)
{
	struct block *b = udata;
	struct vcpu_count *c = &counts[vcpu % MAX_VCPUS];

	/* Only this vCPU's thread writes its counters; a marking vCPU reads
	 * them whole (aligned 64-bit stores on the x86-64 host).
	 */
	__atomic_store_n(&b->execs[vcpu % MAX_VCPUS], b->execs[vcpu % MAX_VCPUS] + 1,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&c->total, c->total + b->insns, __ATOMIC_RELAXED);
	if (b->kernel)
		__atomic_store_n(&c->kernel, c->kernel + b->insns, __ATOMIC_RELAXED);
}

static int by_vaddr(const void *a, const void *b)
{
	const struct block *x = *(struct block *const *)a, *y = *(struct block *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* FILE.prof.SEQ: instructions per block start since the last profile mark. */
static void write_profile(void)
{
	char path[4096];
	FILE *f;
	size_t i, j;
	int v;

	snprintf(path, sizeof(path), "%s.prof.%" PRIu64, out_path, seq);
	f = fopen(path, "w");
	if (!f)
		return;
	/* Retranslations of one address are summed: adjacent once sorted. */
	qsort(blocks, n_blocks, sizeof(*blocks), by_vaddr);
	for (v = 0; v < vcpus; v++) {
		for (i = 0; i < n_blocks; i = j) {
			uint64_t insns = 0, execs = 0;

			for (j = i; j < n_blocks && blocks[j]->vaddr == blocks[i]->vaddr; j++) {
				struct block *b = blocks[j];
				uint64_t e = __atomic_load_n(&b->execs[v], __ATOMIC_RELAXED);

				insns += (e - b->reported[v]) * b->insns;
				execs += e - b->reported[v];
				b->reported[v] = e;
			}
			if (insns)
				fprintf(f, "%d %" PRIx64 " %" PRIu64 " %" PRIu64 "\n", v,
					blocks[i]->vaddr, insns, execs);
		}
	}
	fclose(f);
}

static void mark_exec(unsigned int vcpu, void *udata)
{
	int i;

	pthread_mutex_lock(&out_lock);
	seq++;
	if (udata)
		write_profile();
	fprintf(out, "mark %" PRIu64 " %u", seq, vcpu);
	for (i = 0; i < vcpus; i++)
		fprintf(out, " %" PRIu64 " %" PRIu64,
			__atomic_load_n(&counts[i].total, __ATOMIC_RELAXED),
			__atomic_load_n(&counts[i].kernel, __ATOMIC_RELAXED));
	fputc('\n', out);
	fflush(out);
	pthread_mutex_unlock(&out_lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = calloc(1, sizeof(*b));
	size_t i;

	(void)id;
	if (!b) {
		fprintf(stderr, "insncount: out of memory\n");
		abort();
	}
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	b->kernel = b->vaddr >= 0xffff800000000000ULL;
	pthread_mutex_lock(&out_lock);
	if (n_blocks == cap_blocks) {
		size_t cap = cap_blocks ? 2 * cap_blocks : 65536;
		struct block **grown = realloc(blocks, cap * sizeof(*blocks));

		if (!grown) {
			fprintf(stderr, "insncount: out of memory\n");
			abort();
		}
		blocks = grown;
		cap_blocks = cap;
	}
	blocks[n_blocks++] = b;
	pthread_mutex_unlock(&out_lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, b);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const void *data = qemu_plugin_insn_data(insn);

		if (qemu_plugin_insn_size(insn) != sizeof(mark_insn))
			continue;
		if (!memcmp(data, mark_insn, sizeof(mark_insn)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (!memcmp(data, profile_insn, sizeof(profile_insn)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec,
							       QEMU_PLUGIN_CB_NO_REGS, (void *)1);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path || !info->system_emulation) {
		fprintf(stderr, "insncount: usage: -plugin insncount.so,out=FILE (system emulation)\n");
		return -1;
	}
	vcpus = info->system.max_vcpus;
	if (vcpus > MAX_VCPUS) {
		fprintf(stderr, "insncount: at most %d vCPUs\n", MAX_VCPUS);
		return -1;
	}
	out_path = path;
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
