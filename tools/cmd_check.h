/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check, with its source of repeated samples made replaceable, so that
 * the tests can feed it samples without waiting for them.
 */
#ifndef NSI_CMD_CHECK_H
#define NSI_CMD_CHECK_H

#include "cli.h"
#include "model.h"

/* Samples check takes of the live mounts file, and how far apart. */
#define NSI_CHECK_SAMPLES	5
#define NSI_CHECK_INTERVAL_MS	100

/*
 * The mounts file sampled again, for the negative-writers rule: writers is
 * a per-CPU sum read without the writers' protocol, so -1 can be seen for
 * an instant. Sample 0 is the model's own; read() fills @file with sample
 * @i (0 < i < count) and @at with the seconds since sample 0.
 */
struct nsi_samples {
	unsigned int count;
	enum nsi_exit (*read)(const struct nsi_samples *s, unsigned int i,
			      struct nsi_file *file, double *at, struct nsi_error *err);
	const void *data;
};

/* check's run() with @s as the source of further samples. */
enum nsi_exit nsi_check_run(const struct nsi_ctx *ctx, const struct nsi_model *m,
			    const struct nsi_samples *s, struct nsi_error *err);

/* The rules, in the order check applies them. */
enum nsi_check_rule {
	NSI_RULE_NSPROXY_COUNT, NSI_RULE_NS_LEAK, NSI_RULE_NEGATIVE_WRITERS,
	NSI_RULE_WRITERS_DEAD_MOUNT, NSI_RULE_NETDEV_WAITING, NSI_NR_RULES
};

/* The name check prints for @rule ("ns-leak"). */
const char *nsi_check_rule_name(enum nsi_check_rule rule);

/*
 * The rules of check on @m, printing nothing: @counts gets the findings of
 * each. A live model's mounts file is sampled as check samples it by default.
 */
enum nsi_exit nsi_check_count(const struct nsi_model *m, size_t counts[NSI_NR_RULES],
			      struct nsi_error *err);

#endif /* NSI_CMD_CHECK_H */
