#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-indirect-calls.py MODULE.ko | --self-test

Fails when the module's object code could call kernel code through an
address from a symbol lookup, which on CPUs with Indirect Branch Tracking
crashes (Documentation/admin-guide/nsinspect.rst, "Reaching private kernel
data"). TCG emulates no IBT, so no VM run can show it; this reads the code:

- the module imports nothing that finds code by name (kprobes, kallsyms),
  but register_kretprobe(): netdev.c observes netdev_refcnt_read() and
  free_netdev() with two, which the kprobe core patches and calls into the
  module's handlers, never the other way;
- no indirect call or jump (call *%reg, a retpoline thunk, call *mem) goes
  through a value loaded from nsi_ksyms, the only place looked-up addresses
  are kept, or from a kretprobe, whose kp.addr the lookup fills in, or
  through a register copied from one. Within each function the
  registers loaded from nsi_ksyms are followed through moves; a load through
  such a register reads the kernel's data, whose function pointers the kernel
  itself installed (their ENDBR stays), so it ends the taint.
"""
import re
import subprocess
import sys

FORBIDDEN_IMPORTS = {
    "register_kprobe", "unregister_kprobe", "register_kprobes",
    "kallsyms_lookup_name", "kallsyms_on_each_symbol",
    "kallsyms_on_each_match_symbol", "module_kallsyms_lookup_name",
}
STORES = ("nsi_ksyms", "nsi_refcnt_probe", "nsi_free_probe")

REGS = {}
for full, aliases in {
    "rax": "eax ax al", "rbx": "ebx bx bl", "rcx": "ecx cx cl", "rdx": "edx dx dl",
    "rsi": "esi si sil", "rdi": "edi di dil", "rbp": "ebp bp bpl", "rsp": "esp sp spl",
}.items():
    REGS[full] = full
    for a in aliases.split():
        REGS[a] = full
for i in range(8, 16):
    for suffix in ("", "d", "w", "b"):
        REGS[f"r{i}{suffix}"] = f"r{i}"

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$")
RELOC = re.compile(r"^\s*[0-9a-f]+:\s+R_X86_64_\w+\s+(\S+)")
FUNC = re.compile(r"^[0-9a-f]+ <(.+)>:$")
THUNK = re.compile(r"__x86_indirect_thunk_(\w+)")
REG = re.compile(r"^%(\w+)$")
MEM_BASE = re.compile(r"\(%(\w+)")


def reg(op):
    m = REG.match(op.strip())
    return REGS.get(m.group(1)) if m else None


def analyse(lines):
    """Returns (indirect call sites, violations) of an objdump -dr listing."""
    sites, bad = 0, []
    func, tainted, last = "?", set(), None
    pending = []  # instructions waiting for their relocation line

    def flush():
        for mnemonic, ops, relocs in pending:
            step(mnemonic, ops, relocs)
        pending.clear()

    def step(mnemonic, ops, relocs):
        nonlocal sites
        from_store = any(r.startswith(STORES) for r in relocs)
        thunk = next((THUNK.search(r) for r in relocs if THUNK.search(r)), None)
        base = mnemonic.rstrip("q")
        if base in ("call", "jmp") and (ops.startswith("*") or thunk):
            sites += 1
            target = REGS.get(thunk.group(1)) if thunk else reg(ops[1:])
            if from_store or (target and target in tainted):
                bad.append(f"{func}: {mnemonic} {ops} {' '.join(relocs)}")
            if base == "call":
                tainted.difference_update({"rax", "rcx", "rdx", "rsi", "rdi",
                                           "r8", "r9", "r10", "r11"})
            return
        if base == "call":
            tainted.difference_update({"rax", "rcx", "rdx", "rsi", "rdi",
                                       "r8", "r9", "r10", "r11"})
            return
        parts = [p.strip() for p in re.split(r",(?![^(]*\))", ops)] if ops else []
        if len(parts) != 2:
            return
        src, dst = parts
        d = reg(dst)
        if not d:
            return
        if base in ("mov", "lea") or mnemonic.startswith("mov"):
            s = reg(src)
            if from_store:
                tainted.add(d)
            elif s and s in tainted:
                tainted.add(d)
            else:
                tainted.discard(d)
        else:
            tainted.discard(d)

    for line in lines:
        m = FUNC.match(line)
        if m:
            flush()
            func, tainted = m.group(1), set()
            continue
        m = RELOC.match(line)
        if m and pending:
            pending[-1][2].append(m.group(1))
            continue
        m = INSN.match(line)
        if m and not line.lstrip().startswith("R_"):
            flush()
            mnemonic, ops = m.group(2), m.group(3).split("#")[0].strip()
            pending.append((mnemonic, ops, []))
    flush()
    return sites, bad


SELF_TEST = """
0000000000000000 <good>:
   0:	mov    0x0(%rip),%rax
			3: R_X86_64_PC32	nsi_ksyms+0x4
   7:	mov    0x8(%rax),%rax
   b:	call   10 <good+0x10>
			c: R_X86_64_PLT32	__x86_indirect_thunk_rax-0x4
0000000000000010 <bad_copy>:
  10:	mov    0x0(%rip),%rdx
			13: R_X86_64_PC32	nsi_ksyms+0x1c
  17:	mov    %rdx,%rbx
  1a:	call   *%rbx
0000000000000020 <bad_thunk>:
  20:	mov    0x0(%rip),%r11
			23: R_X86_64_PC32	nsi_ksyms+0x14
  27:	call   2c <bad_thunk+0xc>
			28: R_X86_64_PLT32	__x86_indirect_thunk_r11-0x4
0000000000000030 <bad_mem>:
  30:	call   *0x0(%rip)
			32: R_X86_64_PC32	nsi_ksyms+0x4
0000000000000040 <bad_kp_addr>:
  40:	mov    0x0(%rip),%rax
			43: R_X86_64_PC32	nsi_refcnt_probe+0x8
  47:	call   *%rax
"""


def main():
    if sys.argv[1:] == ["--self-test"]:
        sites, bad = analyse(SELF_TEST.splitlines())
        names = sorted(b.split(":")[0] for b in bad)
        ok = sites == 5 and names == ["bad_copy", "bad_kp_addr", "bad_mem", "bad_thunk"]
        print(f"self-test: {sites} sites, flagged {names}: {'ok' if ok else 'WRONG'}")
        return 0 if ok else 1
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ko = sys.argv[1]
    undefined = subprocess.run(["nm", "-u", ko], capture_output=True, text=True,
                               check=True).stdout.split()
    imports = FORBIDDEN_IMPORTS.intersection(undefined)
    listing = subprocess.run(["objdump", "-dr", "--no-show-raw-insn", ko],
                             capture_output=True, text=True, check=True).stdout
    sites, bad = analyse(listing.splitlines())
    for name in sorted(imports):
        print(f"{ko}: imports {name}, which finds code by name")
    for b in bad:
        print(f"{ko}: indirect call through a looked-up address: {b}")
    print(f"{ko}: {sites} indirect call sites, {len(bad)} through {' or '.join(STORES)}, "
          f"{len(imports)} forbidden imports")
    return 1 if bad or imports else 0


if __name__ == "__main__":
    sys.exit(main())
