// SPDX-License-Identifier: Apache-2.0
//
// Built only with CGO_ENABLED=1 (the cgo build tag): importing "C" makes
// the go-loader binary link libc dynamically, like a cgo program would,
// while its bpf() calls stay raw syscalls that never pass through libc.
//go:build cgo

package main

import "C"
