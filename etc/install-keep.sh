#!/bin/sh
# Install or uninstall a file that the operator edits (the config, the
# defaults file) without ever losing an edit. Called by etc/Makefile.am:
#
#   install-keep.sh install|install-once "INSTALL-COMMAND" SAMPLE DEST
#	DEST missing or still the sample: install SAMPLE as DEST. Else keep
#	DEST and say so; "install" also puts SAMPLE beside it as DEST.dist
#	(not wanted in a directory such as /etc/default that others scan).
#   install-keep.sh uninstall SAMPLE DEST
#	Remove DEST and DEST.dist only where they are still the sample.
#
# Messages go to stdout, as the other lines of "make install" do.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
set -e
action=$1
shift
case $action in
install | install-once)
	install_cmd=$1 sample=$2 dest=$3
	if [ ! -e "$dest" ] || cmp -s "$sample" "$dest"; then
		# The install command is several words ("install -c -m 644").
		# shellcheck disable=SC2086
		$install_cmd "$sample" "$dest"
		exit 0
	fi
	if [ "$action" = install-once ]; then
		echo "$dest exists and differs from the sample: kept it"
		exit 0
	fi
	# shellcheck disable=SC2086
	$install_cmd "$sample" "$dest.dist"
	echo "$dest exists and differs from the sample: kept it;" \
	    "the new sample is $dest.dist"
	;;
uninstall)
	sample=$1 dest=$2
	for f in "$dest" "$dest.dist"; do
		[ -e "$f" ] || continue
		if cmp -s "$sample" "$f"; then
			rm -f "$f"
		else
			echo "$f differs from the sample: not removed"
		fi
	done
	;;
*)
	echo "usage: $0 install|install-once CMD SAMPLE DEST |" \
	    "uninstall SAMPLE DEST" >&2
	exit 2
	;;
esac
