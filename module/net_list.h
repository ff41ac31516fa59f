/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The list of net namespaces, walked in holds of net_rwsem that do not grow
 * with the number of namespaces.
 */
#ifndef NSI_NET_LIST_H
#define NSI_NET_LIST_H

#include <linux/types.h>

struct net;

/*
 * What the walk calls for each net, with net_rwsem held for reading, which
 * keeps the net listed and its memory good; it must not sleep for long nor
 * take net_rwsem. Returns 0 to go on, 1 to stop, NSI_NET_AGAIN to have the
 * walk drop the lock and call fn again on the same net, NSI_NET_NEXT to
 * have it drop the lock and go on at the next net, -ENOSPC to have it call
 * grow() (if not NULL) with the lock dropped and fn again on the same net,
 * or an error that ends the walk. Both AGAIN and NEXT count as progress.
 */
#define NSI_NET_AGAIN 2
#define NSI_NET_NEXT 3
typedef int (*nsi_net_fn_t)(void *arg, struct net *net);

/*
 * Call fn for every listed net, dying ones not yet unlisted included. A net
 * may be called twice, when the place was lost between two holds: fn must
 * not count it twice. Returns 0, fn's or grow's error, -EINTR, or -EAGAIN
 * when the place was lost again and again with no progress between; *held_ns
 * gets the longest hold.
 */
int nsi_walk_nets(nsi_net_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns);

#endif /* NSI_NET_LIST_H */
