#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the cilium/ebpf loader (main.go) twice, offline, against Debian's
# golang-github-cilium-ebpf-dev (GOPATH mode, GOPATH default
# /usr/share/gocode); test/CMakeLists.txt runs it at build time:
#   OUTDIR/go-loader-static   CGO_ENABLED=0, a static binary
#   OUTDIR/go-loader-dynamic  CGO_ENABLED=1 (cgo.go imports "C"), linked
#                             dynamically against libc
# The Go build cache is CACHE (default OUTDIR/go-cache); GO is the go tool.
# USAGE: [GO=go] build.sh OUTDIR [CACHE [GOPATH]]
set -eu
[ $# -ge 1 ] || { echo "usage: build.sh OUTDIR [CACHE [GOPATH]]" >&2; exit 2; }
out=$1
cache=${2:-$out/go-cache}
gopath=${3:-/usr/share/gocode}
go=${GO:-go}
src=$(cd "$(dirname "$0")" && pwd)
command -v "$go" >/dev/null 2>&1 ||
  { echo "build.sh: error: '$go' not found: apt-get install golang-go (scripts/deps.sh installs it)" >&2; exit 1; }
[ -d "$gopath/src/github.com/cilium/ebpf" ] ||
  { echo "build.sh: error: cilium/ebpf not found in '$gopath': apt-get install golang-github-cilium-ebpf-dev (scripts/deps.sh installs it)" >&2; exit 1; }
mkdir -p "$out" "$cache"
cd "$src"
export GO111MODULE=off GOPATH="$gopath" GOCACHE="$cache" GOFLAGS= GOPROXY=off
CGO_ENABLED=0 "$go" build -o "$out/go-loader-static" .
CGO_ENABLED=1 "$go" build -o "$out/go-loader-dynamic" .
