# xlat_vl_nba.awk: writes the NBA-region functions of model/xlat_vl.cpp's own
# scheduler (Verilator 5.006), from the generated Vctlb_top___024root__DepSet_*.cpp
# files given as arguments (the non-Slow ones; the first holding
# Vctlb_top___024root___eval_nba gets the output appended by model/xlat_build.sh).
#
# Verilator's eval_nba() runs, for the triggered edge, the clocked ("sequent")
# functions and then the combinational ("comb") ones, which recompute the
# logic between the new register values and the (unchanged) inputs. When every
# line of the comb functions is, in the same order, a line of the input
# combinational ("ico") functions, the next cycle's input evaluation recomputes
# all of it before anything reads it, so a cycle nobody looks at after the edge
# may skip it. Output (C++):
#   xlat_vl_nba_seq(r)   eval_nba() without the comb blocks
#   xlat_vl_nba_comb(r)  the comb blocks alone, unconditionally (the shim's
#                        lazy settle before anything reads the model)
#   xlat_vl_nba_skips    1 if the check passed; else seq is all of eval_nba()
#                        and comb does nothing
#   xlat_vl_ico(r)       eval_ico()'s body (a call of eval_ico() if there is
#                        none)
# xlat_vl_nba_seq and xlat_vl_ico are declared always_inline, and
# model/xlat_build.sh compiles the model with VL_INLINE_OPT so too: with
# link-time optimisation the shim's hit path (xlat_vl_hit) is then one function
# that the compiler optimises as a whole, e.g. it knows the inputs the shim just
# set when the region's logic reads them.
# Any other layout (comb blocks before a sequent block, no eval_nba found)
# also gives the plain version.
#
# And whether one pass of each region's loop is all of it:
#   xlat_vl_one_pass     1 if the ico trigger is the loop's first iteration
#                        only, and every act trigger is an OR of edges
#                        (posedge: X & ~prev X, negedge: ~X & prev X) of
#                        variables that nothing but the trigger function's
#                        own copies into prev X writes: a second evaluation
#                        of the triggers in the same eval then finds none
#                        (X == prev X), so the generated loops stop after
#                        their first pass; else 0
#   xlat_vl_clock_triggers 1 if besides one pass no act trigger has a negedge
#                        term of the clock (awk -v clock=NAME, default clk_i),
#                        one has a term of it, and so xlat_vl_trig_clock is
#                        the trigger evaluation of a clock change with every
#                        other trigger input as at the evaluation before
#                        (X == prev X): the triggers with a posedge term of
#                        the clock are `rise`, the others false, then the
#                        copies into prev X; else 0 and it is the evaluation
#   xlat_vl_trig_clock(r, rise)  (always_inline) as above: the shim's cycle
#                        then needs no trigger evaluation

BEGIN { if (clock == "") clock = "clk_i" }

function body_line(s) {
  # the lines that are code, not Verilator's boilerplate
  return s !~ /^[ ]*$/ && s !~ /VL_DEBUG_IF/ && s !~ /Prevent unused/ &&
         s !~ /__restrict vlSymsp/ && s !~ /^[ ]*\/\/ (Body|Init)$/ &&
         s !~ /__Vm_traceActivity/
}

# Every assignment to a member, for the trigger check: "vlSelf->X = ..." on one
# line, or "vlSelf->X" ending a line and "= ..." starting the next (outside the
# act trigger function, whose copies into prev X are its own).
{
  line = $0
  if (lhs != "" && line ~ /^ *= /) written[lhs] = 1
  lhs = ""
  if (fn != "tact") {
    if (match(line, /vlSelf->[A-Za-z0-9_]+ *$/)) {
      lhs = substr(line, RSTART + 8, RLENGTH - 8)
      sub(/ +$/, "", lhs)
    }
    while (match(line, /vlSelf->[A-Za-z0-9_]+ = /)) {
      written[substr(line, RSTART + 8, RLENGTH - 11)] = 1
      line = substr(line, RSTART + RLENGTH)
    }
  }
}

/^void Vctlb_top___024root___eval_triggers__ico\(Vctlb_top___024root\* vlSelf\) \{$/ {
  fn = "tico"; ntico++; next
}
/^void Vctlb_top___024root___eval_triggers__act\(Vctlb_top___024root\* vlSelf\) \{$/ {
  fn = "tact"; ntact++; next
}
# (the trigger functions' debug dumps: not compiled in)
(fn == "tico" || fn == "tact") && /^#ifdef VL_DEBUG/ { dbg = 1; next }
(fn == "tico" || fn == "tact") && /^#endif/ { dbg = 0; next }
dbg { next }
/^(VL_INLINE_OPT )?void Vctlb_top___024root___ico_sequent__TOP__[0-9]+\(.*\{$/ {
  fn = "ico"; next
}
/^(VL_INLINE_OPT )?void Vctlb_top___024root___nba_comb__TOP__[0-9]+\(.*\{$/ {
  fn = "comb"; next
}
/^void Vctlb_top___024root___eval_nba\(Vctlb_top___024root\* vlSelf\) \{$/ {
  fn = "nba"; found = 1; next
}
/^void Vctlb_top___024root___eval_ico\(Vctlb_top___024root\* vlSelf\) \{$/ {
  fn = "eico"; neico++; next
}
/^}$/ { fn = ""; next }
fn == "tico" && body_line($0) { tico = tico $0; next }
fn == "tact" && body_line($0) { tact = tact $0; next }
fn == "ico" && body_line($0) { ico[++nico] = $0; next }
fn == "comb" && body_line($0) { comb[++ncomb] = $0; next }
# (eval_ico's body whole, its trace activity flags included)
fn == "eico" && (body_line($0) || $0 ~ /__Vm_traceActivity/) { eico = eico $0 "\n"; next }
fn == "nba" {
  # blocks of eval_nba: "    if (TRIGGERS) {" ... "    }"
  if ($0 ~ /^    if \(/ && $0 !~ /Prevent unused/) { nb++; blk[nb] = ""; iscomb[nb] = 0; inblk = 1 }
  if (inblk) {
    blk[nb] = blk[nb] $0 "\n"
    if ($0 ~ /___nba_comb__TOP__[0-9]+\(vlSelf\);/) {
      iscomb[nb] = 1
      call[nb] = call[nb] $0 "\n"
    }
    if ($0 ~ /__Vm_traceActivity/ && iscomb[nb]) call[nb] = call[nb] $0 "\n"
    if ($0 ~ /^    }$/) inblk = 0
  }
  next
}

END {
  ok = found && ncomb > 0
  # the comb blocks come last
  seen = 0
  for (b = 1; b <= nb; b++) {
    if (iscomb[b]) seen = 1
    else if (seen) ok = 0
  }
  # comb's lines are a subsequence of ico's
  j = 1
  for (i = 1; ok && i <= ncomb; i++) {
    while (j <= nico && ico[j] != comb[i]) j++
    if (j > nico) ok = 0
    j++
  }
  one = one_pass()
  clk_ok = one && clock_in && !clock_fall
  print ""
  print "// ---- appended by model/xlat_build.sh (model/xlat_vl_nba.awk) ----"
  print "extern const int xlat_vl_one_pass;"
  print "const int xlat_vl_one_pass = " one ";"
  print "extern const int xlat_vl_nba_skips;"
  print "const int xlat_vl_nba_skips = " (ok ? 1 : 0) ";"
  print "__attribute__((always_inline)) void xlat_vl_nba_seq(Vctlb_top___024root* vlSelf);"
  print "void xlat_vl_nba_seq(Vctlb_top___024root* vlSelf) {"
  print "    if (false && vlSelf) {}"
  if (!ok) {
    print "    Vctlb_top___024root___eval_nba(vlSelf);"
  } else {
    for (b = 1; b <= nb; b++) if (!iscomb[b]) printf "%s", blk[b]
  }
  print "}"
  print "void xlat_vl_nba_comb(Vctlb_top___024root* vlSelf);"
  print "void xlat_vl_nba_comb(Vctlb_top___024root* vlSelf) {"
  print "    if (false && vlSelf) {}"
  if (ok) {
    for (b = 1; b <= nb; b++) if (iscomb[b]) printf "%s", call[b]
  }
  print "}"
  print "extern const int xlat_vl_clock_triggers;"
  print "const int xlat_vl_clock_triggers = " (clk_ok ? 1 : 0) ";"
  print "__attribute__((always_inline)) void xlat_vl_trig_clock(Vctlb_top___024root* vlSelf, bool rise);"
  print "void xlat_vl_trig_clock(Vctlb_top___024root* vlSelf, bool rise) {"
  print "    if (false && vlSelf && rise) {}"
  if (clk_ok) {
    for (i = 1; i <= ntrig; i++)
      print "    vlSelf->__VactTriggered.at(" trig[i] "U) = " (trig[i] in rise ? "rise" : "false") ";"
    for (i = 1; i <= npvar; i++)
      print "    vlSelf->__Vtrigrprev__TOP__" pvar[i] " = vlSelf->" pvar[i] ";"
  } else {
    print "    Vctlb_top___024root___eval_triggers__act(vlSelf);"
  }
  print "}"
  print "__attribute__((always_inline)) void xlat_vl_ico(Vctlb_top___024root* vlSelf);"
  print "void xlat_vl_ico(Vctlb_top___024root* vlSelf) {"
  print "    if (false && vlSelf) {}"
  if (neico == 1) printf "%s", eico
  else print "    Vctlb_top___024root___eval_ico(vlSelf);"
  print "}"
}

# 1 if one pass of the ico and act loops is all of them (see the top). Also
# notes, for xlat_vl_trig_clock, each act trigger's index (trig[1..ntrig]),
# whether it has a posedge term of the clock (rise[k]), whether any has a
# negedge one (clock_fall), and the variables with a prev copy (pvar[1..npvar]).
function one_pass(   t, a, n, st, i, e, x, p, lr, ok, nvar, var, prev, pos, neg, k, kind) {
  if (ntico != 1 || ntact != 1) return 0
  t = tico
  gsub(/[ \t]/, "", t)
  if (t != "vlSelf->__VicoTriggered.at(0U)=(0U==vlSelf->__VicoIterCount);") return 0
  a = tact
  gsub(/[ \t]/, "", a)
  n = split(a, st, ";")
  pos = "\\(IData\\)\\(vlSelf->[A-Za-z0-9_]+\\)&\\(~\\(IData\\)\\(vlSelf->__Vtrigrprev__TOP__[A-Za-z0-9_]+\\)\\)"
  neg = "\\(~\\(IData\\)\\(vlSelf->[A-Za-z0-9_]+\\)\\)&\\(IData\\)\\(vlSelf->__Vtrigrprev__TOP__[A-Za-z0-9_]+\\)"
  ok = 1
  nvar = 0
  for (i = 1; i <= n; i++) {
    if (st[i] == "") continue
    if (st[i] ~ /^vlSelf->__Vtrigrprev__TOP__[A-Za-z0-9_]+=vlSelf->[A-Za-z0-9_]+$/) {
      split(st[i], lr, "=")
      x = substr(lr[2], 9)
      if (substr(lr[1], 9) != "__Vtrigrprev__TOP__" x) ok = 0
      if (!(x in prev)) pvar[++npvar] = x
      prev[x] = 1
      continue
    }
    if (!match(st[i], /^vlSelf->__VactTriggered\.at\([0-9]+U\)=/)) return 0
    e = substr(st[i], RLENGTH + 1)
    k = substr(st[i], 1, RLENGTH - 3)
    sub(/.*\(/, "", k)
    trig[++ntrig] = k
    # each edge term of one variable becomes "@"; what is left must be "@"s,
    # ORs and parentheses
    for (;;) {
      if (match(e, pos)) kind = "pos"
      else if (match(e, neg)) kind = "neg"
      else break
      p = substr(e, RSTART, RLENGTH)
      gsub(/vlSelf->__Vtrigrprev__TOP__/, "#", p)
      if (split(p, lr, "vlSelf->") != 2) return 0
      x = lr[2]
      sub(/[^A-Za-z0-9_].*/, "", x)
      if (index(p, "#" x ")") == 0) return 0   # X and prev X of the same X
      var[x] = 1
      nvar++
      if (x == clock && kind == "pos") rise[k] = 1
      if (x == clock && kind == "neg") clock_fall = 1
      e = substr(e, 1, RSTART - 1) "@" substr(e, RSTART + RLENGTH)
    }
    gsub(/[()@|]/, "", e)
    if (e != "") return 0
  }
  if (nvar == 0) return 0
  for (x in var)
    if (!(x in prev) || (x in written) || (("__Vtrigrprev__TOP__" x) in written)) ok = 0
  clock_in = (clock in var)
  return ok
}
