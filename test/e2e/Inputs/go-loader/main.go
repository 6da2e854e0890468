// SPDX-License-Identifier: Apache-2.0
//
// go-loader: a cilium/ebpf loader of a BPF object built with bpfcov-cc
// --bpfcov-counters-section=bss (or bpfcov_add_bpf_object COUNTERS_SECTION
// bss), for the e2e tests of issue 13. It loads every program and map of
// OBJ, runs PROG through BPF_PROG_TEST_RUN REPEAT times over each FRAME file
// and prints its return value once per frame ("retval: N"), then reads the
// .bss map back and prints each __profc_ variable's u64 counters
// ("__profc_<fn>: c0 c1 ..."), from the offsets in the object's BTF.
// With -pin PATH it pins the .bss map at PATH (on a bpffs) before exiting,
// so that the counters outlive it.
//
// cilium/ebpf 0.9.1 (Debian 12) cannot read kernel BTF with ENUM64 (Linux
// 6.0+): the object's own BTF serves as KernelTypes (the programs need no
// CO-RE relocation against the kernel).
//
// USAGE: go-loader [-pin PATH] OBJ PROG REPEAT FRAME...
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

const countersPrefix = "__profc_" // bpfcov/Names.h CountersPrefix

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go-loader: error: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	pin := flag.String("pin", "", "pin the .bss map at `PATH` (on a bpffs)")
	flag.Parse()
	args := flag.Args()
	if len(args) < 4 {
		fail("usage: go-loader [-pin PATH] OBJ PROG REPEAT FRAME...")
	}
	obj, progName := args[0], args[1]
	repeat, err := strconv.Atoi(args[2])
	if err != nil || repeat < 1 {
		fail("REPEAT is '%s', expected a positive number", args[2])
	}

	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		fail("open '%s': %v", obj, err)
	}
	coll, err := ebpf.NewCollectionWithOptions(spec, ebpf.CollectionOptions{
		Programs: ebpf.ProgramOptions{KernelTypes: spec.Types},
	})
	if err != nil {
		fail("load '%s': %v", obj, err)
	}
	defer coll.Close()
	prog := coll.Programs[progName]
	if prog == nil {
		fail("no program '%s' in '%s'", progName, obj)
	}

	for _, path := range args[3:] {
		frame, err := os.ReadFile(path)
		if err != nil {
			fail("read '%s': %v", path, err)
		}
		var ret uint32
		for i := 0; i < repeat; i++ {
			if ret, _, err = prog.Test(frame); err != nil {
				fail("run '%s' on '%s': %v", progName, path, err)
			}
		}
		fmt.Printf("retval: %d\n", ret)
	}
	printCounters(spec, coll)
	if *pin != "" {
		if err := coll.Maps[".bss"].Pin(*pin); err != nil {
			fail("pin the .bss map at '%s': %v", *pin, err)
		}
	}
}

// printCounters prints the __profc_ variables of the .bss map in the order
// of the object's BTF DATASEC.
func printCounters(spec *ebpf.CollectionSpec, coll *ebpf.Collection) {
	ms, m := spec.Maps[".bss"], coll.Maps[".bss"]
	if ms == nil || m == nil {
		fail("no .bss map: build the object with --bpfcov-counters-section=bss")
	}
	ds, ok := ms.Value.(*btf.Datasec)
	if !ok {
		fail("the .bss map has no BTF DATASEC")
	}
	value := make([]byte, ms.ValueSize)
	if err := m.Lookup(uint32(0), &value); err != nil {
		fail("read the .bss map: %v", err)
	}
	for _, vs := range ds.Vars {
		v, ok := vs.Type.(*btf.Var)
		if !ok || !strings.HasPrefix(v.Name, countersPrefix) {
			continue
		}
		if uint64(vs.Offset)+uint64(vs.Size) > uint64(len(value)) {
			fail("%s lies outside the .bss map", v.Name)
		}
		var counts []string
		for off := vs.Offset; off+8 <= vs.Offset+vs.Size; off += 8 {
			counts = append(counts, strconv.FormatUint(binary.LittleEndian.Uint64(value[off:]), 10))
		}
		fmt.Printf("%s: %s\n", v.Name, strings.Join(counts, " "))
	}
}
