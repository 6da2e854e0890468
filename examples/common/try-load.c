/* SPDX-License-Identifier: Apache-2.0 */
/*
 * try-load - load every program of BPF objects into this kernel, one at a
 * time, and report programs loaded / programs tried. libbpf loads an object
 * all or nothing; loading each program alone (the others' autoload off)
 * names every program the verifier or the kernel refuses. Then the whole
 * object is loaded at once, as a real loader would. With --run, each
 * program that BPF_PROG_TEST_RUN supports (xdp, tc, socket filter: a fixed
 * IPv4/UDP frame; raw_tp: a zero context) runs once in the whole object.
 *
 * --whole skips the one-at-a-time loads: the object is loaded once, so under
 * `bpfcov run` there is one set of coverage maps.
 *
 * USAGE: sudo try-load [-v] [--whole] [--run] OBJ...
 *   OBJ: PROG (SECTION): loaded|refused (ERR)|failed (ERR)   per program
 *   OBJ: N/M programs loaded; whole object: loaded|failed (ERR)[; ran K]
 *   OBJ: M programs; whole object: loaded|failed (ERR)[; ran K]  (--whole)
 *   total: N/M programs loaded      exit 0 iff N == M and every whole load and run worked
 */
#include <getopt.h>

#include "loader.h"
#include "packets.h"

static int run_progs;
static int whole_only;

static int open_object(const char *path, struct bpf_object **obj)
{
	*obj = bpf_object__open_file(path, NULL);
	if (!*obj) {
		int err = -errno;

		example_log_flush();
		fprintf(stderr, "try-load: error: cannot open '%s': %s\n", path, strerror(-err));
		return err;
	}
	return 0;
}

/* Kernel refusals count only for program types this kernel may lack. */
static int is_optional_type(enum bpf_prog_type type)
{
	return type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM ||
	       type == BPF_PROG_TYPE_EXT || type == BPF_PROG_TYPE_STRUCT_OPS;
}

/* Loads program number \p index of \p path alone; returns 0 or -errno. */
static int load_one(const char *path, int index, const char **name, const char **sec,
		    enum bpf_prog_type *type, char *namebuf, char *secbuf, size_t size)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int i = 0, err;

	err = open_object(path, &obj);
	if (err)
		return err;
	bpf_object__for_each_program (prog, obj) {
		bpf_program__set_autoload(prog, i == index);
		if (i == index) {
			snprintf(namebuf, size, "%s", bpf_program__name(prog));
			snprintf(secbuf, size, "%s", bpf_program__section_name(prog));
			*type = bpf_program__type(prog);
		}
		i++;
	}
	*name = namebuf;
	*sec = secbuf;
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

/* Runs \p prog once if BPF_PROG_TEST_RUN supports its type; 1 if it ran. */
static int test_run(struct bpf_program *prog)
{
	static const struct pkt_spec udp = {
		.l3 = PKT_ETH_P_IP, .l4 = PKT_IPPROTO_UDP, .dport = 53, .payload = 32};
	__u8 frame[PKT_MAX];
	__u64 args[12] = {0};
	__u32 len = pkt_build(&udp, frame, sizeof(frame)), retval;
	int fd = bpf_program__fd(prog);

	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return example_run_pkt(fd, frame, len, 1, &retval, NULL, 0) ? -1 : 1;
	case BPF_PROG_TYPE_RAW_TRACEPOINT: {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

		return bpf_prog_test_run_opts(fd, &opts) ? -1 : 1;
	}
	default:
		return 0;
	}
}

/* Returns the number of programs tried; adds the loaded ones to *loaded and
 * a failed whole-object load or test run to *failures. */
static int try_object(const char *path, int *loaded, int *failures)
{
	char namebuf[128], secbuf[128];
	struct bpf_object *obj;
	struct bpf_program *prog;
	int n = 0, ok = 0, i, err, ran = 0;

	err = open_object(path, &obj);
	if (err)
		return err;
	bpf_object__for_each_program (prog, obj)
		n++;
	bpf_object__close(obj);

	for (i = 0; i < n && !whole_only; i++) {
		const char *name = "?", *sec = "?";
		enum bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;

		example_log_discard();
		err = load_one(path, i, &name, &sec, &type, namebuf, secbuf, sizeof(namebuf));
		if (!err) {
			ok++;
			printf("%s: %s (%s): loaded\n", path, name, sec);
		} else if (is_optional_type(type) && example_is_refusal(err)) {
			printf("%s: %s (%s): refused (%s)\n", path, name, sec,
			       example_errname(err));
		} else {
			example_log_flush();
			printf("%s: %s (%s): failed (%s)\n", path, name, sec, example_errname(err));
		}
	}

	example_log_discard();
	err = open_object(path, &obj);
	if (err)
		return err;
	err = bpf_object__load(obj);
	if (whole_only) {
		ok = err ? 0 : n;
		printf("%s: %d programs; whole object: %s", path, n, err ? "failed" : "loaded");
	} else {
		printf("%s: %d/%d programs loaded; whole object: %s", path, ok, n,
		       err ? "failed" : "loaded");
	}
	if (err) {
		printf(" (%s)", example_errname(err));
		if (whole_only)
			example_log_flush();
		(*failures)++;
	}
	if (!err && run_progs) {
		bpf_object__for_each_program (prog, obj) {
			int r = test_run(prog);

			if (r < 0) {
				fprintf(stderr, "try-load: error: BPF_PROG_TEST_RUN of '%s': %s\n",
					bpf_program__name(prog), strerror(errno));
				(*failures)++;
			}
			ran += r > 0;
		}
		printf("; ran %d", ran);
	}
	printf("\n");
	bpf_object__close(obj);
	example_log_discard();
	*loaded += ok;
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"run", no_argument, NULL, 'r'},
		{"whole", no_argument, NULL, 'w'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c, i, tried = 0, loaded = 0, failures = 0, fake_argc = 1;

	while ((c = getopt_long(argc, argv, "rwvh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			run_progs = 1;
			break;
		case 'w':
			whole_only = 1;
			break;
		case 'v':
			example_verbose = 1;
			break;
		case 'h':
			printf("Usage: try-load [-v] [--whole] [--run] OBJ...\n"
			       "Loads each program of each BPF object alone, then the whole\n"
			       "object; prints programs loaded / programs tried. --whole: load\n"
			       "only the whole object (one set of maps, e.g. under bpfcov run).\n"
			       "--run: run the test-runnable programs once. Exit 0 iff all\n"
			       "loaded.\n");
			return 0;
		default:
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "try-load: error: no BPF object given: try-load [--run] OBJ...\n");
		return 1;
	}
	example_init(fake_argc, argv, "try-load");
	for (i = optind; i < argc; i++) {
		int n = try_object(argv[i], &loaded, &failures);

		if (n < 0)
			return 1;
		tried += n;
	}
	printf("total: %d/%d programs loaded\n", loaded, tried);
	return loaded == tried && !failures ? 0 : 1;
}
