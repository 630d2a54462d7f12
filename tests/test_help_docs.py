"""--help, the parsers and the docs agree, and the README's commands run.

* every long option a C program's parser knows (read from its source: the
  getopt_long table or the option-name literals) is in its --help, and every
  option --help names is known to the parser (it is not refused as unknown);
* every option written after a program (build/ctsim ..., scripts/x.py ...) in
  README.md, docs/*.md and traces/*.md is in that program's --help;
* the option table of docs/ctsim.md and the option list of docs/traces.md name
  exactly the options of ctsim / cttrace --help;
* every `make TARGET` the README and the docs name is a target of the Makefile;
* the README's "Using it" commands and docs/accelerator.md's examples run as
  written (make lines other than build targets only as `make -n`: they rebuild
  the committed docs/synth.md or docs/report.md, or run minutes of benchmarks).
"""
import os
import re
import subprocess

import pytest

from conftest import BUILD, ROOT, need

PY = str(ROOT / ".venv" / "bin" / "python")
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")

# program -> the source files of its command-line parser
C_PARSERS = {
    "ctsim": ["sim/cli.c", "model/xlat_opts.c"],
    "ctsim-sc": ["sim/cli.c", "model/xlat_opts.c"],
    "cttrace": ["sim/trace/cttrace.c", "model/xlat_opts.c"],
    "ctrdump": ["sim/trace/ctrdump.c"],
    "xlat-diff": ["model/xlat_diff.c", "model/xlat_opts.c"],
    "xlat-bench": ["model/xlat_bench.c", "model/xlat_opts.c"],
    "ctdisasm": ["sim/tools/ctdisasm.c"],
}
# The accelerator's options of model/xlat_opts.c (the spellings table) that a
# program leaves out of its mask: xlat-diff and xlat-bench have no memory
# latency (test_xlat_diff.py checks --dmem-lat is an unknown option there).
XO_LEFT_OUT = {"xlat-diff": {"--dmem-lat", "--mem-lat"},
               "xlat-bench": {"--dmem-lat", "--mem-lat"}}
# Options a parser accepts that its --help does not name: each is a known
# --help omission, reported to the owner of the program. The test checks the
# omission is still there, so fixing --help makes this test say to drop the entry.
UNDOCUMENTED = {}
SCRIPTS = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))


def help_text(prog):
    if prog.endswith(".py"):
        cmd = [PY, str(ROOT / "scripts" / prog)]
    else:
        cmd = [str(need(BUILD / prog, f"build/{prog}"))]
    r = subprocess.run(cmd + ["--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{prog} --help: status {r.returncode} {r.stderr}"
    text = r.stdout
    if prog.endswith(".py"):
        # argparse sub-commands ({convert,info}): their options are in their own --help
        m = re.search(r"^usage: \S+ (?:\[-h\] )?\{([a-z,]+)\}", text, re.M)
        for sub in (m.group(1).split(",") if m else []):
            s = subprocess.run(cmd + [sub, "--help"], capture_output=True, text=True, timeout=60)
            assert s.returncode == 0, f"{prog} {sub} --help: {s.stderr}"
            text += s.stdout
    return text


_HELP = {}


def help_opts(prog):
    if prog not in _HELP:
        _HELP[prog] = set(OPT.findall(help_text(prog)))
    return _HELP[prog]


def parser_opts(prog):
    opts = set()
    for f in C_PARSERS[prog]:
        src = (ROOT / f).read_text()
        opts |= {"--" + n for n in re.findall(
            r'\{"([a-z][a-z0-9-]+)",\s*(?:no|required|optional)_argument', src)}
        opts |= set(re.findall(r'"(--[a-z][a-z0-9-]*)"', src))
        # xlat_opts.c's table of spellings ({"ctlb-entries", XO_ENTRIES}); the
        # refused --levels (XO_AMBIGUOUS) is no option
        opts |= {"--" + n for n in re.findall(r'\{"([a-z][a-z0-9-]+)",\s*XO_(?!AMBIGUOUS)', src)}
    return opts - XO_LEFT_OUT.get(prog, set())


@pytest.mark.parametrize("prog", sorted(C_PARSERS))
def test_help_names_every_parser_option(prog):
    src = parser_opts(prog)
    assert len(src) >= 3, f"no options found in {C_PARSERS[prog]}: update parser_opts()"
    known = UNDOCUMENTED.get(prog, set())
    assert known <= src, f"{prog}: {sorted(known - src)} no longer parsed: update UNDOCUMENTED"
    assert not (known & help_opts(prog)), \
        f"{prog} --help now names {sorted(known & help_opts(prog))}: drop it from UNDOCUMENTED"
    missing = src - known - help_opts(prog)
    assert not missing, f"{prog} accepts {sorted(missing)} but --help does not name them"


@pytest.mark.parametrize("prog", sorted(C_PARSERS))
def test_every_help_option_is_parsed(prog):
    src = parser_opts(prog)
    extra = help_opts(prog) - src
    if prog == "ctsim-sc":
        extra -= parser_opts("ctsim")
    assert not extra, f"{prog} --help names {sorted(extra)}, its parser has no such option"
    # and the program itself does not refuse them as unknown
    exe = str(BUILD / prog)
    for opt in sorted(help_opts(prog)):
        if opt == "--help":
            continue
        # xlat-diff's flags (no value in its --help) alone would run a whole
        # 20000-operation diff: keep it short
        flag = re.search(rf"^\s+{opt}\s{{2,}}", help_text(prog), re.M)
        tail = ["--ops", "10"] if prog == "xlat-diff" and flag else []
        r = subprocess.run([exe, opt, *tail], capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert "unknown option" not in r.stderr, (prog, opt, r.stderr)


def doc_files():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
            *sorted((ROOT / "traces").glob("*.md"))]


def code_lines(text):
    """The lines of fenced blocks and the inline code spans of a Markdown text."""
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        out += block.splitlines()
    out += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return out


INVOKE = re.compile(r"(?:build/(ctsim-sc|ctsim|cttrace|ctrdump|xlat-diff|xlat-bench|ctdisasm)"
                    r"|scripts/(\w+\.py))(?![\w.-])")


def test_doc_command_options_exist():
    checked, bad = 0, []
    for f in doc_files():
        for line in code_lines(f.read_text()):
            for seg in re.split(r"\||;|&&|#\s", line):   # one command per segment
                calls = list(INVOKE.finditer(seg))
                if not calls:
                    continue
                prog = calls[-1].group(1) or calls[-1].group(2)
                if prog not in C_PARSERS and prog not in SCRIPTS:
                    bad.append(f"{f.name}: `{seg.strip()}`: no program {prog}")
                    continue
                for opt in OPT.findall(seg[calls[-1].end():]):
                    checked += 1
                    if opt not in help_opts(prog):
                        bad.append(f"{f.name}: `{seg.strip()}`: {prog} has no {opt}")
    assert checked >= 60, f"only {checked} options found in the docs' commands"
    assert not bad, "\n".join(bad)


def test_ctsim_doc_table_is_the_help():
    text = (ROOT / "docs" / "ctsim.md").read_text()
    section = text[text.index("## Options"):text.index("## Exit status")]
    documented = set()
    for row in re.findall(r"^\| (.*?) \|", section, re.M):
        documented |= set(OPT.findall(row))
    assert documented == help_opts("ctsim"), (
        f"in docs/ctsim.md only: {sorted(documented - help_opts('ctsim'))}; "
        f"in --help only: {sorted(help_opts('ctsim') - documented)}")


def test_cttrace_doc_list_is_the_help():
    text = (ROOT / "docs" / "traces.md").read_text()
    para = re.search(r"^Options \(all also in `--help`\):(.*?)\n\n", text, re.M | re.S).group(1)
    documented = set(OPT.findall(para))
    assert documented == help_opts("cttrace") - {"--help"}, (
        f"in docs/traces.md only: {sorted(documented - help_opts('cttrace'))}; "
        f"in --help only: {sorted(help_opts('cttrace') - documented - {'--help'})}")


def make_targets_named():
    """(file, target) for every `make TARGET...` in a code block or span."""
    out = []
    for f in doc_files():
        for line in code_lines(f.read_text()):
            words = line.split()
            if words[:1] != ["make"] or "-C" in words:
                continue  # (make -C DIR: another project's Makefile)
            for w in words[1:]:
                if w.startswith(("#", "[")):
                    break
                if "=" not in w and not w.startswith("-"):   # VAR=value, make options
                    out.append((f.name, w))
    return out


# docs/firmware.md's "Adding a program" builds a program the reader creates
# first (firmware/foo); test_firmware.py::test_docs_add_a_program follows it.
MADE_BY_THE_READER = {"build/firmware/foo/foo.elf"}


def test_doc_make_targets_exist():
    named = make_targets_named()
    assert len(named) >= 20, named
    bad = []
    for doc, target in sorted(set(named)):
        if target in MADE_BY_THE_READER:
            continue
        r = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            bad.append(f"{doc}: make {target}: {r.stderr.strip()[:200]}")
    assert not bad, "\n".join(bad)


def readme_using_block():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Using it"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1).splitlines()


def test_readme_commands_run(tmp_path):
    """README.md's "Using it" commands, as written, from a scratch directory
    whose build/ is the real one (so run.json lands in the scratch directory,
    not in the repository); make lines only as `make -n` (see the docstring)."""
    (tmp_path / "build").symlink_to(BUILD)
    lines = [l.split("  #")[0].strip() for l in readme_using_block() if l.strip()]
    assert len(lines) >= 8
    ran = 0
    for cmd in lines:
        if cmd.startswith("make "):
            r = subprocess.run(cmd.replace("make ", "make -n ", 1), shell=True, cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
        else:
            r = subprocess.run(cmd, shell=True, cwd=tmp_path, capture_output=True, text=True,
                               timeout=120, stdin=subprocess.DEVNULL)
            ran += 1
        assert r.returncode == 0, f"README: `{cmd}`: status {r.returncode}\n{r.stderr[-1000:]}"
        if cmd.startswith("build/ctsim build/firmware/hello/hello.elf"):
            # firmware/hello/hello.c prints this greeting first (test_firmware.py
            # checks the whole text, worked out from the C standard)
            assert r.stdout.startswith("Hello from RV32IM firmware!\n"), r.stdout
        if "--help" in cmd:
            assert r.stdout.startswith("usage: "), cmd
    assert ran >= 5
    # the --stats-json example wrote its JSON: bench.elf passes its self-check
    # (exit status 0) on the C model
    import json
    stats = json.loads((tmp_path / "run.json").read_text())
    assert stats["exit"] == {"reason": "tohost", "status": 0}
    assert stats["ctlb"]["backend"] == "c"


def test_accelerator_doc_examples_run():
    """docs/accelerator.md's ```sh block: the build line and the xlat-diff /
    xlat-bench examples run (xlat-bench with fewer lookups: the option is
    --lookups, the figures are not checked here); `gtkwave` needs a display and
    is only checked to open the dump that the line before it wrote."""
    text = (ROOT / "docs" / "accelerator.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    lines = [l.split("  #")[0].strip() for l in block.splitlines() if l.strip()]
    assert any(l.startswith("build/xlat-diff") for l in lines)
    for cmd in lines:
        if cmd.startswith("gtkwave"):
            dump, save = cmd.split()[1:3]
            assert (ROOT / dump).stat().st_size > 0 and (ROOT / save).exists(), cmd
            continue
        if cmd.startswith("make ") and not cmd.startswith("make build/"):
            cmd = cmd.replace("make ", "make -n ", 1)
        if cmd.startswith("build/xlat-bench"):
            cmd += " --lookups 200000"
        env = dict(os.environ)
        r = subprocess.run(cmd, shell=True, cwd=ROOT, capture_output=True, text=True,
                           timeout=300, env=env)
        assert r.returncode == 0, f"docs/accelerator.md: `{cmd}`: {r.stdout[-500:]}{r.stderr[-500:]}"
        if cmd.startswith("build/xlat-diff"):
            assert r.stdout.strip().endswith("PASS"), (cmd, r.stdout[-500:])


def test_readme_demo_excerpt_is_real():
    """Every line of README.md's `make demo` excerpt (but the `...` elisions)
    is a line of the demo's real output (firmware/demo/program.mk's run)."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("`make demo` runs a service loop"):text.index("## Using it")]
    excerpt = re.search(r"```\n(.*?)```", section, re.S).group(1).splitlines()
    assert len(excerpt) >= 6
    demo = need(BUILD / "firmware" / "demo" / "demo.elf", "firmware")
    r = subprocess.run([str(need(BUILD / "ctsim", "build/ctsim")), "--patch-at",
                        "410000:0x10003:respond_v2", str(demo)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    real = set(r.stdout.splitlines()) | set(r.stderr.splitlines())
    missing = [l for l in excerpt if l != "..." and l not in real]
    assert not missing, missing
    mk = (ROOT / "firmware" / "demo" / "program.mk").read_text()
    assert re.search(r"^DEMO_PATCH_CYCLE\s*:=\s*410000\s*$", mk, re.M), \
        "make demo no longer patches at 410000: update this test"


def block_after(path, marker):
    """The first plain ``` block after `marker` in a doc, as lines."""
    text = (ROOT / path).read_text()
    # an opening fence follows a blank line (a closing one follows the block's text)
    return re.search(r"\n\n```\n(.*?)\n```", text[text.index(marker):], re.S).group(1).splitlines()


@pytest.mark.parametrize("path,marker,cmd,stream", [
    ("docs/ctsim.md", "Its summary ends", "build/ctsim build/cycles/callid_mix.elf", "stderr"),
    ("docs/ctsim.md", "`tests/cycles/roi_regions.S` has two regions",
     "build/ctsim build/cycles/roi_regions.elf", "stderr"),
    ("docs/hotpatch.md", "build/cttrace traces/samples/phases-mixed-2k.ct",
     "build/ctsim -q build/firmware/replay/replay-phases.elf", "stdout"),
    ("docs/systemc.md", "`ctsim-sc --host-stats` adds a line",
     "build/ctsim-sc --host-stats -q build/cycles/callid_mix.elf", "stderr"),
])
def test_doc_output_excerpts_are_real(path, marker, cmd, stream):
    """Output shown in the docs is the output of the command it belongs to."""
    r = subprocess.run(cmd.split(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    real = getattr(r, stream).splitlines()
    for line in block_after(path, marker):
        assert line in real, f"{path}: {line!r} is not in the output of `{cmd}`"


def test_hotpatch_replay_excerpt_equals_cttrace():
    """docs/hotpatch.md says the firmware replay's counts are cttrace's on the same
    trace: the excerpt's hits, misses and walk cycles are cttrace's."""
    line = [l for l in block_after("docs/hotpatch.md",
                                   "build/cttrace traces/samples/phases-mixed-2k.ct")
            if l.startswith("REPLAY")][0]
    fw = dict(kv.split("=") for kv in line.split()[1:])
    r = subprocess.run([str(BUILD / "cttrace"), "traces/samples/phases-mixed-2k.ct"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    tr = dict(l.split(" ", 1) for l in r.stdout.splitlines())
    assert (fw["hits"], fw["misses"], fw["walk_cycles"]) == \
        (tr["hits"], tr["misses"], tr["walk_cycles"])


# (report.py, payoff.py and shootdown.py without arguments are valid: they
# regenerate their documents; bench_ctcc.py, bench_speed.py, ctpatch_bench.py
# and rtl_options_bench.py run their
# benchmarks)
@pytest.mark.parametrize("script,args", [(s, a) for s in SCRIPTS
                                         for a in (["--bogus-option"], [])
                                         if a or s not in ("report.py", "payoff.py", "bench_ctcc.py",
                                                          "bench_speed.py", "ctpatch_bench.py",
                                                          "shootdown.py", "rtl_options_bench.py")])
def test_script_usage_errors_are_one_line(script, args):
    """A bad or missing argument: one line naming the problem, exit status 2
    (argparse's default would print a usage block first)."""
    p = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / script),
                        *args], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 2, (p.returncode, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0], p.stderr
