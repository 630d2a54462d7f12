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
# Any other layout (comb blocks before a sequent block, no eval_nba found)
# also gives the plain version.

function body_line(s) {
  # the lines that are code, not Verilator's boilerplate
  return s !~ /^[ ]*$/ && s !~ /VL_DEBUG_IF/ && s !~ /Prevent unused/ &&
         s !~ /__restrict vlSymsp/ && s !~ /^[ ]*\/\/ (Body|Init)$/ &&
         s !~ /__Vm_traceActivity/
}

/^(VL_INLINE_OPT )?void Vctlb_top___024root___ico_sequent__TOP__[0-9]+\(.*\{$/ {
  fn = "ico"; next
}
/^(VL_INLINE_OPT )?void Vctlb_top___024root___nba_comb__TOP__[0-9]+\(.*\{$/ {
  fn = "comb"; next
}
/^void Vctlb_top___024root___eval_nba\(Vctlb_top___024root\* vlSelf\) \{$/ {
  fn = "nba"; found = 1; next
}
/^}$/ { fn = ""; next }
fn == "ico" && body_line($0) { ico[++nico] = $0; next }
fn == "comb" && body_line($0) { comb[++ncomb] = $0; next }
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
  print ""
  print "// ---- appended by model/xlat_build.sh (model/xlat_vl_nba.awk) ----"
  print "extern const int xlat_vl_nba_skips;"
  print "const int xlat_vl_nba_skips = " (ok ? 1 : 0) ";"
  print "void xlat_vl_nba_seq(Vctlb_top___024root* vlSelf);"
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
}
