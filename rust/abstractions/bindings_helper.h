/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C API ferroute's Rust code binds to: kernel headers for bindgen, plus
 * the prototypes of the C helpers in helpers.c that wrap inline functions
 * and macros bindgen cannot see.
 */
#ifndef FERROUTE_BINDINGS_HELPER_H
#define FERROUTE_BINDINGS_HELPER_H

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/route.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/compat.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/ip_fib.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <kunit/test.h>

/* sk_buff */
void ferroute_skb_consume(struct sk_buff *skb);
void ferroute_skb_drop(struct sk_buff *skb, enum skb_drop_reason reason);
struct sk_buff *ferroute_skb_list_pop(struct list_head *head);
struct sk_buff *ferroute_skb_share_check(struct sk_buff *skb);
int ferroute_skb_linearize(struct sk_buff *skb);
int ferroute_skb_may_pull(struct sk_buff *skb, unsigned int len);
int ferroute_skb_cow_head(struct sk_buff *skb, unsigned int headroom);
unsigned int ferroute_skb_tailroom(const struct sk_buff *skb);
int ferroute_skb_unclone(struct sk_buff *skb);
int ferroute_skb_is_nonlinear(const struct sk_buff *skb);
void ferroute_skb_reserve(struct sk_buff *skb, int len);
int ferroute_skb_trim(struct sk_buff *skb, unsigned int len);
struct sk_buff *ferroute_alloc_skb(unsigned int len);

/* slab caches */
struct kmem_cache *ferroute_slab_create(const char *name, unsigned int size,
					unsigned int align);
void *ferroute_slab_alloc(struct kmem_cache *cache);

/* net_device */
void *ferroute_netdev_priv(const struct net_device *dev);
void ferroute_dev_hold(struct net_device *dev);
void ferroute_dev_put(struct net_device *dev);
void ferroute_netdev_hold(struct net_device *dev, netdevice_tracker *tracker);
void ferroute_netdev_put(struct net_device *dev, netdevice_tracker *tracker);
const char *ferroute_dev_name(const struct net_device *dev);
int ferroute_dev_ifindex(const struct net_device *dev);
const unsigned char *ferroute_dev_addr(const struct net_device *dev);
unsigned short ferroute_dev_type(const struct net_device *dev);
unsigned int ferroute_dev_flags(const struct net_device *dev);
int ferroute_dev_has_ipv4(struct net_device *dev);
int ferroute_dev_is_unregistering(const struct net_device *dev);
int ferroute_dev_is_registered(const struct net_device *dev);
int ferroute_dev_is_loopback(const struct net_device *dev);
int ferroute_dev_rx_handler_busy(const struct net_device *dev);
const struct rtnl_link_ops *ferroute_dev_link_ops(const struct net_device *dev);
const struct net_device_ops *ferroute_dev_netdev_ops(const struct net_device *dev);
void ferroute_dev_eth_random_addr(struct net_device *dev);
int ferroute_dev_forward_rx(struct net_device *dev, struct sk_buff *skb,
			    bool xnet);
void ferroute_skb_scrub(struct sk_buff *skb, bool xnet);
void ferroute_dev_set_link_ops(struct net_device *dev,
			       const struct rtnl_link_ops *ops);
void ferroute_netif_start_queue(struct net_device *dev);
void ferroute_netif_stop_queue(struct net_device *dev);
void ferroute_dev_count_tx(struct net_device *dev, unsigned int len);
void ferroute_dev_count_rx(struct net_device *dev, unsigned int len);
void ferroute_dev_count_tx_dropped(struct net_device *dev);
void ferroute_dev_setup_ether(struct net_device *dev,
			      const struct net_device_ops *ops);
struct net_device *ferroute_netdev_notifier_info_to_dev(void *info);
struct net *ferroute_genl_info_net(struct genl_info *info);
struct net *ferroute_sock_net_of_skb(struct sk_buff *skb);
struct net_device *ferroute_dev_get_by_name(struct net *net, const char *name);

/* generic netlink */
struct sk_buff *ferroute_genlmsg_new(void);
void *ferroute_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
				 const struct genl_family *family, u8 cmd);
void *ferroute_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
				const struct genl_family *family, u8 cmd);
void ferroute_genlmsg_end(struct sk_buff *skb, void *hdr);
void ferroute_genlmsg_cancel(struct sk_buff *skb, void *hdr);
int ferroute_genlmsg_reply(struct sk_buff *skb, struct genl_info *info);
bool ferroute_dev_get_stats(struct net_device *dev,
			    struct rtnl_link_stats64 *storage);
/* BIT() is not a constant bindgen evaluates. */
enum { FERROUTE_GENL_MCAST_CAP_NET_ADMIN = GENL_MCAST_CAP_NET_ADMIN };
struct sk_buff *ferroute_genlmsg_new_atomic(size_t size);
bool ferroute_genl_has_listeners(const struct genl_family *family,
				 struct net *net, unsigned int group);
int ferroute_genlmsg_multicast_atomic(const struct genl_family *family,
				      struct net *net, struct sk_buff *skb,
				      unsigned int group);
struct nlattr *ferroute_nla_nest_start(struct sk_buff *skb, int type);
void ferroute_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void ferroute_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);
void ferroute_nlmsg_free(struct sk_buff *skb);
struct nlattr *ferroute_genl_info_attr(struct genl_info *info, int type);
void ferroute_genl_set_err_msg(struct genl_info *info, const char *msg);
void ferroute_genl_set_bad_attr(struct genl_info *info, int type);
int ferroute_genl_parse_nested(struct genl_info *info, struct nlattr **tb,
			       int maxtype, const struct nlattr *head, int len,
			       const struct nla_policy *policy);
void ferroute_genl_set_bad_nla(struct genl_info *info, const struct nlattr *nla);
long *ferroute_netlink_cb_args(struct netlink_callback *cb);
void ferroute_netlink_cb_set_seq(struct netlink_callback *cb, unsigned int seq);
u8 ferroute_genl_dump_cmd(struct netlink_callback *cb);
struct nlattr *ferroute_genl_dump_attr(struct netlink_callback *cb, int type);
unsigned int ferroute_genl_dump_maxattr(struct netlink_callback *cb);
const struct genl_family *ferroute_genl_dump_family(struct netlink_callback *cb);
struct net *ferroute_genl_dump_net(struct netlink_callback *cb);
u8 ferroute_genl_info_cmd(struct genl_info *info);
unsigned int ferroute_skb_len_of(struct sk_buff *skb);

/* RCU, time and timers */
void ferroute_might_sleep(void);
void ferroute_module_pin(void);
void ferroute_rcu_read_lock(void);
void ferroute_rcu_read_unlock(void);
void ferroute_local_bh_disable(void);
void ferroute_local_bh_enable(void);
unsigned long ferroute_jiffies(void);
u64 ferroute_now_ms(void);
extern const u32 ferroute_msec_per_jiffy;
u64 ferroute_ktime_get_ns(void);
void ferroute_cond_resched(void);
unsigned long ferroute_msecs_to_jiffies(unsigned int ms);
void ferroute_timer_setup(struct timer_list *timer,
			  void (*func)(struct timer_list *));
/* Not given to bindgen (gen-bindings.sh blocklists them): sync.rs declares
 * them with kernel::bindings' spinlock_t. */
bool ferroute_spin_lock_bh(spinlock_t *lock);
void ferroute_spin_unlock_bh(spinlock_t *lock, bool bh_disabled_here);

/* misc device, capabilities */
int ferroute_ns_capable_net_admin(struct net *net);

struct net *ferroute_dev_net(const struct net_device *dev);
unsigned int ferroute_net_inum(const struct net *net);
void *ferroute_net_generic(const struct net *net, unsigned int id);
struct net *ferroute_get_current_net(void);
void ferroute_put_net(struct net *net);
void **ferroute_file_private_data(struct file *file);

/* per-CPU counters */
void *ferroute_counters_alloc(unsigned int n);
void ferroute_counters_free(void *counters);
void ferroute_counters_add(void *counters, unsigned int i, u64 n);
bool ferroute_cpu_has_popcnt(void);
u64 ferroute_counters_sum(void *counters, unsigned int i);

/* KUnit (kunit_helpers.c, linked into the test module only) */
void ferroute_kunit_fail(struct kunit *test, const char *file, int line,
			 const char *msg);

/* kernel threads */
int ferroute_kthread_run(int (*threadfn)(void *data), void *data,
			 const char *name, struct task_struct **task);

/* sk_buff, continued */
struct sk_buff *ferroute_alloc_skb_paged(unsigned int header_len,
					 unsigned int data_len);
void ferroute_skb_push_rcsum(struct sk_buff *skb, unsigned int len);
void ferroute_skb_set_csum_complete(struct sk_buff *skb);
unsigned int ferroute_skb_truesize(const struct sk_buff *skb);
void ferroute_skb_orphan(struct sk_buff *skb);
int ferroute_skb_gso_fits(const struct sk_buff *skb, unsigned int mtu);
struct sk_buff *ferroute_skb_gso_segment(struct sk_buff *skb);
struct sk_buff *ferroute_skb_list_unlink_next(struct sk_buff *skb);
int ferroute_skb_checksum_help(struct sk_buff *skb);
int ferroute_skb_csum_unnecessary(const struct sk_buff *skb);
int ferroute_skb_csum_complete_ok(const struct sk_buff *skb);
void ferroute_skb_drop_otherhost(struct sk_buff *skb, struct net_device *dev);

/* The kernel's FIB */
struct fib_table *ferroute_fib_main_table_rcu(struct net *net);

u32 ferroute_ms_since_midnight_ut(void);

#endif /* FERROUTE_BINDINGS_HELPER_H */
