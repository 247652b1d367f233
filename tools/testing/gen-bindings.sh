#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-bindings.sh KDIR HEADER OUTPUT
#
# Generate ferroute's own bindings: the very bindgen command the kernel build
# used for rust/bindings (recorded in .bindings_generated.rs.cmd, so the C
# flags match the kernel's exactly), pointed at ferroute's header and limited
# to the items ferroute uses.
set -euo pipefail
kdir=$(cd "$1" && pwd)
header=$(readlink -f "$2")
output=$(readlink -f "$(dirname "$3")")/$(basename "$3")
cmdfile=$kdir/rust/bindings/.bindings_generated.rs.cmd
[ -f "$cmdfile" ] || { echo "gen-bindings: $cmdfile missing (kernel not built?)" >&2; exit 1; }

cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
# bindgen's own options come before "--", clang's after.
bindgen_part=${cmd%% -- *}
clang_part=${cmd#* -- }
clang_part=${clang_part%%;*}
eval "bargs=($bindgen_part)"
eval "cargs=($clang_part)"

opts=()
skip=0
for ((i = 2; i < ${#bargs[@]}; i++)); do
	a=${bargs[$i]}
	if [ $skip -eq 1 ]; then skip=0; continue; fi
	case "$a" in
	-o) skip=1 ;;
	--ctypes-prefix) skip=1 ;;
	*) opts+=("$a") ;;
	esac
done
clang=()
for a in "${cargs[@]}"; do
	case "$a" in
	-Wp,-MMD,*) ;;
	*) clang+=("$a") ;;
	esac
done

allow_fn='ferroute_.*|misc_register|misc_deregister|dev_get_tstats64|dev_add_pack|dev_remove_pack|__dev_remove_pack|synchronize_net|synchronize_rcu|register_netdev|unregister_netdev|register_netdevice|unregister_netdevice_queue|alloc_netdev_mqs|free_netdev|ether_setup|eth_type_trans|eth_validate_addr|eth_mac_addr|netif_rx|__dev_queue_xmit|netdev_rx_handler_register|netdev_rx_handler_unregister|rtnl_lock|rtnl_unlock|rtnl_is_locked|rtnl_link_register|rtnl_link_unregister|register_netdevice_notifier|unregister_netdevice_notifier|genl_register_family|genl_unregister_family|genlmsg_put|nla_put|nla_put_64bit|nla_strscpy|nla_get_.*|nla_memcpy|skb_put|skb_push|skb_pull|skb_copy|skb_clone|netlink_capable|mod_timer|timer_delete_sync|timer_shutdown_sync|__init_waitqueue_head|__kunit_do_failed_assertion|kunit_get_current_test|__spin_lock_init|_raw_spin_lock_bh|_raw_spin_unlock_bh|dev_get_by_index|dev_net_set|__netdev_alloc_skb|kthread_should_stop|kthread_stop_put|schedule|call_rcu|rcu_barrier|fib_new_table|fib_table_lookup|register_pernet_subsys|unregister_pernet_subsys|unregister_netdevice_many|kmem_cache_destroy|kfree'
allow_ty='miscdevice|file_operations|module|rtentry|compat_rtentry|sockaddr|net_device_flags|nla_policy_validation|sk_buff|net_device|net_device_ops|packet_type|rtnl_link_ops|genl_family|genl_ops|genl_multicast_group|rtnl_link_stats64|genl_info|nla_policy|nlattr|netlink_callback|notifier_block|netdev_notifier_info|timer_list|kunit|kunit_case|kunit_suite|skb_drop_reason|netdev_tx|rx_handler_result|ethhdr|iphdr|arphdr|netdev_cmd|nla_types|genl_validate_flags|callback_head|fib_table|fib_result|flowi4|rt_class_t|pernet_operations|netdevice_tracker|skb_shared_info'
allow_var='RTF_.*|SIOCADDRT|SIOCDELRT|MISC_DYNAMIC_MINOR|AF_INET|NET_NAME_.*|NLA_.*|NLA_VALIDATE_.*|ETH_P_.*|ETH_HLEN|ETH_ALEN|ETH_DATA_LEN|ETH_ZLEN|IFF_.*|GENL_.*|NETDEV_.*|NET_XMIT_.*|NETDEV_TX_.*|NOTIFY_.*|PACKET_.*|FERROUTE_.*|E[A-Z0-9]*|NET_RX_.*|IFNAMSIZ|NLMSG_DEFAULT_SIZE|ARPHRD_.*|KUNIT_.*|jiffies_64|ferroute_msec_per_jiffy|FIB_LOOKUP_.*|CHECKSUM_.*'

# The KUnit types get no Default impl: ferroute.ko shares these bindings, and
# must carry no KUnit code (kunit.rs builds its values from zeroed memory).
cd "$kdir"
bindgen "$header" "${opts[@]}" --ctypes-prefix kernel::ffi \
	--allowlist-function "$allow_fn" --allowlist-type "$allow_ty" \
	--allowlist-var "$allow_var" --no-default 'kunit.*' \
	--blocklist-function 'ferroute_spin_(un)?lock_bh' \
	-o "$output.tmp" -- "${clang[@]}" -DMODULE
mv "$output.tmp" "$output"
