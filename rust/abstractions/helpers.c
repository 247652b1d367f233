// SPDX-License-Identifier: GPL-2.0
/*
 * C helpers for ferroute's Rust abstractions: each wraps one inline function
 * or macro that bindgen cannot bind, and adds no logic of its own.
 */
#include <linux/inetdevice.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sched/task.h>
#include <linux/timekeeping.h>
#include <net/gso.h>
#include <net/sock.h>
#include "bindings_helper.h"
#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

void ferroute_skb_consume(struct sk_buff *skb)
{
	consume_skb(skb);
}

void ferroute_skb_drop(struct sk_buff *skb, enum skb_drop_reason reason)
{
	kfree_skb_reason(skb, reason);
}

struct sk_buff *ferroute_skb_share_check(struct sk_buff *skb)
{
	return skb_share_check(skb, GFP_ATOMIC);
}

struct sk_buff *ferroute_skb_list_pop(struct list_head *head)
{
	struct sk_buff *skb = list_first_entry_or_null(head, struct sk_buff, list);

	if (skb)
		skb_list_del_init(skb);
	return skb;
}

int ferroute_skb_linearize(struct sk_buff *skb)
{
	return skb_linearize(skb);
}

int ferroute_skb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

int ferroute_skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	return skb_cow_head(skb, headroom);
}

unsigned int ferroute_skb_tailroom(const struct sk_buff *skb)
{
	return skb_tailroom(skb);
}

int ferroute_skb_unclone(struct sk_buff *skb)
{
	return skb_unclone(skb, GFP_ATOMIC);
}

int ferroute_skb_is_nonlinear(const struct sk_buff *skb)
{
	return skb_is_nonlinear(skb);
}

void ferroute_skb_reserve(struct sk_buff *skb, int len)
{
	skb_reserve(skb, len);
}

int ferroute_skb_trim(struct sk_buff *skb, unsigned int len)
{
	return pskb_trim_rcsum(skb, len);
}

struct sk_buff *ferroute_alloc_skb(unsigned int len)
{
	return alloc_skb(len, GFP_ATOMIC);
}

void *ferroute_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

void ferroute_dev_hold(struct net_device *dev)
{
	dev_hold(dev);
}

void ferroute_dev_put(struct net_device *dev)
{
	dev_put(dev);
}

/* GFP_ATOMIC: a reference may be taken in atomic context (a clone under RCU). */
void ferroute_netdev_hold(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_hold(dev, tracker, GFP_ATOMIC);
}

void ferroute_netdev_put(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_put(dev, tracker);
}

const char *ferroute_dev_name(const struct net_device *dev)
{
	return dev->name;
}

int ferroute_dev_ifindex(const struct net_device *dev)
{
	return dev->ifindex;
}

const unsigned char *ferroute_dev_addr(const struct net_device *dev)
{
	return dev->dev_addr;
}

unsigned short ferroute_dev_type(const struct net_device *dev)
{
	return dev->type;
}

unsigned int ferroute_dev_flags(const struct net_device *dev)
{
	return READ_ONCE(dev->flags);
}

int ferroute_dev_has_ipv4(struct net_device *dev)
{
	struct in_device *in_dev = __in_dev_get_rtnl(dev);

	return in_dev && rtnl_dereference(in_dev->ifa_list);
}

int ferroute_dev_is_unregistering(const struct net_device *dev)
{
	return dev->reg_state == NETREG_UNREGISTERING;
}

int ferroute_dev_is_registered(const struct net_device *dev)
{
	return dev->reg_state == NETREG_REGISTERED;
}

int ferroute_dev_is_loopback(const struct net_device *dev)
{
	return !!(dev->flags & IFF_LOOPBACK);
}

int ferroute_dev_rx_handler_busy(const struct net_device *dev)
{
	return !!rtnl_dereference(dev->rx_handler);
}

const struct rtnl_link_ops *ferroute_dev_link_ops(const struct net_device *dev)
{
	return dev->rtnl_link_ops;
}

const struct net_device_ops *ferroute_dev_netdev_ops(const struct net_device *dev)
{
	return dev->netdev_ops;
}

/*
 * __dev_forward_skb's checks and scrubbing, then netif_rx, for a frame the
 * router hands up a device: the caller says whether it crosses network
 * namespaces (__dev_forward_skb2 compares with skb->dev, which the router's
 * own packets do not have).
 */
int ferroute_dev_forward_rx(struct net_device *dev, struct sk_buff *skb,
			    bool xnet)
{
	if (skb_orphan_frags(skb, GFP_ATOMIC) ||
	    unlikely(!is_skb_forwardable(dev, skb))) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	skb_scrub_packet(skb, xnet);
	skb->priority = 0;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	return netif_rx(skb);
}

void ferroute_skb_scrub(struct sk_buff *skb, bool xnet)
{
	skb_scrub_packet(skb, xnet);
}

void ferroute_dev_eth_random_addr(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

void ferroute_dev_set_link_ops(struct net_device *dev,
			       const struct rtnl_link_ops *ops)
{
	dev->rtnl_link_ops = ops;
}

void ferroute_netif_start_queue(struct net_device *dev)
{
	netif_start_queue(dev);
}

void ferroute_netif_stop_queue(struct net_device *dev)
{
	netif_stop_queue(dev);
}

void ferroute_dev_count_tx(struct net_device *dev, unsigned int len)
{
	dev_sw_netstats_tx_add(dev, 1, len);
}

void ferroute_dev_count_rx(struct net_device *dev, unsigned int len)
{
	dev_sw_netstats_rx_add(dev, len);
}

void ferroute_dev_count_tx_dropped(struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
}

void ferroute_dev_setup_ether(struct net_device *dev,
			      const struct net_device_ops *ops)
{
	ether_setup(dev);
	dev->netdev_ops = ops;
	dev->needs_free_netdev = true;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->lltx = true;
	/*
	 * netpoll (netconsole) calls ndo_start_xmit with interrupts off; the
	 * router's receive path takes bottom-half locks.
	 */
	dev->priv_flags |= IFF_DISABLE_NETPOLL;
	eth_hw_addr_random(dev);
}

struct net_device *ferroute_netdev_notifier_info_to_dev(void *info)
{
	return netdev_notifier_info_to_dev(info);
}

struct net *ferroute_genl_info_net(struct genl_info *info)
{
	return genl_info_net(info);
}

struct net *ferroute_sock_net_of_skb(struct sk_buff *skb)
{
	return sock_net(skb->sk);
}

struct net_device *ferroute_dev_get_by_name(struct net *net, const char *name)
{
	return dev_get_by_name(net, name);
}

struct sk_buff *ferroute_genlmsg_new(void)
{
	return genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

void *ferroute_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
				 const struct genl_family *family, u8 cmd)
{
	return genlmsg_put_reply(skb, info, family, 0, cmd);
}

void *ferroute_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
				const struct genl_family *family, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, family, NLM_F_MULTI, cmd);

	/* NLM_F_DUMP_INTR when cb->seq changed since the previous entry. */
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

void ferroute_netlink_cb_set_seq(struct netlink_callback *cb, unsigned int seq)
{
	cb->seq = seq;
}

void ferroute_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void ferroute_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

int ferroute_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

struct nlattr *ferroute_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start(skb, type);
}

void ferroute_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_end(skb, start);
}

void ferroute_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_cancel(skb, start);
}

void ferroute_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

/* A notification: any context, so atomic allocation; size 0 means
 * NLMSG_DEFAULT_SIZE. */
struct sk_buff *ferroute_genlmsg_new_atomic(size_t size)
{
	return genlmsg_new(size ? size : NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
}

/* genl_sock is set from genetlink's pernet init to its exit; the caller
 * checked group < family->n_mcgrps. */
bool ferroute_genl_has_listeners(const struct genl_family *family,
				 struct net *net, unsigned int group)
{
	if (!READ_ONCE(net->genl_sock))
		return false;
	return genl_has_listeners(family, net, group);
}

/* Consumes skb in every case. */
int ferroute_genlmsg_multicast_atomic(const struct genl_family *family,
				      struct net *net, struct sk_buff *skb,
				      unsigned int group)
{
	if (!READ_ONCE(net->genl_sock)) {
		nlmsg_free(skb);
		return -ESRCH;
	}
	return genlmsg_multicast_netns(family, net, skb, 0, group, GFP_ATOMIC);
}

struct nlattr *ferroute_genl_info_attr(struct genl_info *info, int type)
{
	return info->attrs[type];
}

void ferroute_genl_set_err_msg(struct genl_info *info, const char *msg)
{
	/* NL_SET_ERR_MSG wants a literal; the message is static in Rust too. */
	if (info->extack)
		info->extack->_msg = msg;
}

void ferroute_genl_set_bad_attr(struct genl_info *info, int type)
{
	if (info->attrs[type])
		NL_SET_BAD_ATTR(info->extack, info->attrs[type]);
	else
		GENL_REQ_ATTR_CHECK(info, type);
}

int ferroute_genl_parse_nested(struct genl_info *info, struct nlattr **tb,
			       int maxtype, const struct nlattr *head, int len,
			       const struct nla_policy *policy)
{
	/*
	 * nla_parse_nested() on a nest's payload, strict as the core is with
	 * the request's own attributes. No extack: on an error __nla_parse
	 * would leave extack->policy pointing into @policy, which the caller
	 * frees before the ACK that reads it is built (KASAN found that
	 * use after free); the caller reports the error itself.
	 */
	return __nla_parse(tb, maxtype, head, len, policy, NL_VALIDATE_STRICT,
			   NULL);
}

void ferroute_genl_set_bad_nla(struct genl_info *info, const struct nlattr *nla)
{
	NL_SET_BAD_ATTR(info->extack, nla);
}

long *ferroute_netlink_cb_args(struct netlink_callback *cb)
{
	return cb->args;
}

u8 ferroute_genl_dump_cmd(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->genlhdr->cmd;
}

struct nlattr *ferroute_genl_dump_attr(struct netlink_callback *cb, int type)
{
	const struct genl_info *info = genl_info_dump(cb);

	return info->attrs ? info->attrs[type] : NULL;
}

unsigned int ferroute_genl_dump_maxattr(struct netlink_callback *cb)
{
	/* genl_start parsed info.attrs with op.maxattr + 1 entries (none when
	 * 0) and copied the op it ran into the dumpit info. */
	return genl_dumpit_info(cb)->op.maxattr;
}

const struct genl_family *ferroute_genl_dump_family(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->family;
}

struct net *ferroute_genl_dump_net(struct netlink_callback *cb)
{
	return sock_net(cb->skb->sk);
}

u8 ferroute_genl_info_cmd(struct genl_info *info)
{
	return info->genlhdr->cmd;
}

unsigned int ferroute_skb_len_of(struct sk_buff *skb)
{
	return skb->len;
}

void ferroute_module_pin(void)
{
	__module_get(THIS_MODULE);
}

void ferroute_might_sleep(void)
{
	might_sleep();
}

void ferroute_rcu_read_lock(void)
{
	rcu_read_lock();
}

void ferroute_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void ferroute_local_bh_disable(void)
{
	local_bh_disable();
}

void ferroute_local_bh_enable(void)
{
	local_bh_enable();
}

unsigned long ferroute_jiffies(void)
{
	return jiffies;
}

u64 ferroute_now_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

/*
 * Milliseconds per jiffy where HZ divides 1000 (jiffies64_to_msecs's
 * multiplication), else 0: Rust's now_ms then calls ferroute_now_ms.
 */
const u32 ferroute_msec_per_jiffy = (MSEC_PER_SEC % HZ) ? 0 : MSEC_PER_SEC / HZ;

u64 ferroute_ktime_get_ns(void)
{
	return ktime_get_ns();
}

void ferroute_cond_resched(void)
{
	cond_resched();
}

unsigned long ferroute_msecs_to_jiffies(unsigned int ms)
{
	return msecs_to_jiffies(ms);
}

void ferroute_timer_setup(struct timer_list *timer,
			  void (*func)(struct timer_list *))
{
	timer_setup(timer, func, 0);
}

/*
 * spin_lock_bh, or spin_lock where bottom halves are off already (a
 * softirq: the packet path, timers): the same exclusion, without
 * local_bh_disable/local_bh_enable's bookkeeping on every packet, as
 * kernel code takes a BH lock with spin_lock in softirq. Returns whether
 * bottom halves were disabled here, for the unlock.
 */
bool ferroute_spin_lock_bh(spinlock_t *lock)
{
	if (softirq_count()) {
		spin_lock(lock);
		return false;
	}
	spin_lock_bh(lock);
	return true;
}

void ferroute_spin_unlock_bh(spinlock_t *lock, bool bh_disabled_here)
{
	if (bh_disabled_here)
		spin_unlock_bh(lock);
	else
		spin_unlock(lock);
}

/* CAP_NET_ADMIN over the user namespace that owns @net, as rtnetlink checks. */
int ferroute_ns_capable_net_admin(struct net *net)
{
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

struct net *ferroute_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

unsigned int ferroute_net_inum(const struct net *net)
{
	return net->ns.inum;
}

void *ferroute_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

/* The calling task's network namespace, with a reference. */
struct net *ferroute_get_current_net(void)
{
	return get_net(current->nsproxy->net_ns);
}

void ferroute_put_net(struct net *net)
{
	put_net(net);
}

void **ferroute_file_private_data(struct file *file)
{
	return &file->private_data;
}

void *ferroute_counters_alloc(unsigned int n)
{
	return (void __force *)__alloc_percpu(n * sizeof(u64), sizeof(u64));
}

void ferroute_counters_free(void *counters)
{
	free_percpu((u64 __percpu __force *)counters);
}

/* Whether the CPU has popcnt (cpu.rs: the FIB's lookup uses it then). */
bool ferroute_cpu_has_popcnt(void)
{
#ifdef CONFIG_X86
	return boot_cpu_has(X86_FEATURE_POPCNT);
#else
	return false;
#endif
}

void ferroute_counters_add(void *counters, unsigned int i, u64 n)
{
	u64 __percpu *c = (u64 __percpu __force *)counters;

	this_cpu_add(c[i], n);
}

u64 ferroute_counters_sum(void *counters, unsigned int i)
{
	u64 __percpu *c = (u64 __percpu __force *)counters;
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(&c[i], cpu);
	return sum;
}

int ferroute_kthread_run(int (*threadfn)(void *data), void *data,
			 const char *name, struct task_struct **task)
{
	struct task_struct *t = kthread_create(threadfn, data, "%s", name);

	if (IS_ERR(t))
		return PTR_ERR(t);
	/* Kept until kthread_stop_put(), even if threadfn returns early. */
	get_task_struct(t);
	wake_up_process(t);
	*task = t;
	return 0;
}

/* sk_buff, continued */
struct sk_buff *ferroute_alloc_skb_paged(unsigned int header_len,
					 unsigned int data_len)
{
	struct sk_buff *skb;
	int err;

	/* sock_alloc_send_pskb's shape, with zeroed pages. */
	skb = alloc_skb_with_frags(header_len, data_len, 0, &err,
				   GFP_ATOMIC | __GFP_ZERO);
	if (!skb)
		return NULL;
	skb->data_len = data_len;
	skb->len = data_len;
	return skb;
}

void ferroute_skb_push_rcsum(struct sk_buff *skb, unsigned int len)
{
	skb_push_rcsum(skb, len);
}

void ferroute_skb_set_csum_complete(struct sk_buff *skb)
{
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
	skb->ip_summed = CHECKSUM_COMPLETE;
}

unsigned int ferroute_skb_truesize(const struct sk_buff *skb)
{
	return skb->truesize;
}

/*
 * ip_rcv_core's "Must drop socket now": the sending socket (a veth peer's
 * or a ferroute device's namespace's) stops being charged for the skb; a
 * socket a BPF program prefetched for it is kept, as ip_rcv_core keeps it.
 */
void ferroute_skb_orphan(struct sk_buff *skb)
{
	if (!skb_sk_is_prefetched(skb))
		skb_orphan(skb);
}

/* -1: not GSO; else whether every segment fits mtu (network layer on). */
int ferroute_skb_gso_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (!skb_is_gso(skb))
		return -1;
	return skb_gso_validate_network_len(skb, mtu);
}

/*
 * Software GSO for a super-packet whose segments do not fit the egress
 * MTU, as ip_finish_output_gso does (with no device features, so every
 * segment leaves with its checksum complete). skb->data must be at the IP
 * header and skb->protocol ETH_P_IP for segments to come out; otherwise the
 * offload handlers refuse the packet (they pull what they read with
 * pskb_may_pull). The network header is reset to skb->data. A packet that
 * is not GSO is returned as it is. Consumes skb; returns the segments,
 * a list linked by ->next (skb itself when nothing had to be split), or
 * NULL having freed skb. A packet whose checksum is neither CHECKSUM_PARTIAL
 * nor CHECKSUM_UNNECESSARY is refused: __skb_gso_segment would WARN
 * (skb_warn_bad_offload) on it, and no sender builds one.
 */
struct sk_buff *ferroute_skb_gso_segment(struct sk_buff *skb)
{
	struct sk_buff *segs;

	if (!skb_is_gso(skb))
		return skb;
	/*
	 * The network header at skb->data makes the mac_len that
	 * __skb_gso_segment computes 0, so skb_mac_gso_segment pulls nothing
	 * unchecked; the offload handlers pull what they read.
	 */
	skb_reset_network_header(skb);
	if (skb->ip_summed != CHECKSUM_PARTIAL &&
	    skb->ip_summed != CHECKSUM_UNNECESSARY) {
		kfree_skb_reason(skb, SKB_DROP_REASON_SKB_GSO_SEG);
		return NULL;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR(segs)) {
		kfree_skb_reason(skb, SKB_DROP_REASON_SKB_GSO_SEG);
		return NULL;
	}
	if (!segs || segs == skb)
		return skb;
	consume_skb(skb);
	return segs;
}

/*
 * Completes a CHECKSUM_PARTIAL checksum in software (skb_checksum_help), as
 * ip_do_fragment does before copying a packet into fragments; 0 for any
 * other skb. -EINVAL, with nothing done, for a GSO skb (skb_checksum_help
 * would WARN) or one whose checksum start and field are not in its linear
 * data (skb_checksum_help WARNs on those it sees, and reads from a negative
 * offset unchecked).
 */
int ferroute_skb_checksum_help(struct sk_buff *skb)
{
	int offset;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	if (skb_is_gso(skb))
		return -EINVAL;
	offset = skb_checksum_start_offset(skb);
	if (offset < 0 ||
	    offset + skb->csum_offset + sizeof(__sum16) > skb_headlen(skb))
		return -EINVAL;
	return skb_checksum_help(skb);
}

/* Unlinks skb from the list it heads and returns the rest. */
struct sk_buff *ferroute_skb_list_unlink_next(struct sk_buff *skb)
{
	struct sk_buff *next = skb->next;

	skb_mark_not_on_list(skb);
	return next;
}

int ferroute_skb_csum_unnecessary(const struct sk_buff *skb)
{
	return skb_csum_unnecessary(skb);
}

int ferroute_skb_csum_complete_ok(const struct sk_buff *skb)
{
	return skb->ip_summed != CHECKSUM_COMPLETE ||
	       csum_fold(skb->csum) ==
		       csum_fold(skb_checksum(skb, 0, skb->len, 0));
}

void ferroute_skb_drop_otherhost(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_rx_otherhost_dropped_inc(dev);
	kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
}

/*
 * fib_get_table(net, RT_TABLE_MAIN), which is not exported: the namespace's
 * main table, or NULL. The caller holds rcu_read_lock().
 */
struct fib_table *ferroute_fib_main_table_rcu(struct net *net)
{
	struct hlist_head *head;
	struct fib_table *tb;

	head = &net->ipv4.fib_table_hash[RT_TABLE_MAIN & (FIB_TABLE_HASHSZ - 1)];
	hlist_for_each_entry_rcu(tb, head, tb_hlist) {
		if (tb->tb_id == RT_TABLE_MAIN)
			return tb;
	}
	return NULL;
}

/* inet_current_timestamp(), in host byte order. */
u32 ferroute_ms_since_midnight_ut(void)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	return (u32)(ts.tv_sec % 86400) * MSEC_PER_SEC +
	       (u32)(ts.tv_nsec / NSEC_PER_MSEC);
}

/* Under RTNL (reg_state changes only under it): the counters of a
 * registered device, whose per-CPU statistics exist from before
 * NETREG_REGISTERED until netdev_run_todo, after unregistration. */
bool ferroute_dev_get_stats(struct net_device *dev,
			    struct rtnl_link_stats64 *storage)
{
	ASSERT_RTNL();
	if (dev->reg_state != NETREG_REGISTERED)
		return false;
	dev_get_stats(dev, storage);
	return true;
}

struct kmem_cache *ferroute_slab_create(const char *name, unsigned int size,
					unsigned int align)
{
	return kmem_cache_create(name, size, align, 0, NULL);
}

void *ferroute_slab_alloc(struct kmem_cache *cache)
{
	return kmem_cache_alloc(cache, GFP_KERNEL);
}
