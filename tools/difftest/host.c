/*
 * The host runner: executes a stream natively, as 32-bit user code, in a
 * child process (so a stream that goes wrong cannot hurt the driver).
 *
 * x86-64 Linux keeps a 32-bit compatibility code segment (selector 0x23)
 * for 32-bit programs; a 64-bit process may enter it with a far return.
 * The child maps the code and the sandbox at the same low addresses pcvm
 * uses, loads the initial registers in a small 32-bit stub whose POPFD
 * sets EFLAGS.TF, and jumps to the stream. From then on every instruction
 * ends in a SIGTRAP whose context holds the state after it; any other
 * signal (the HLT after the stream at the latest) ends the stream, and
 * the handler leaves through siglongjmp. Signal handlers run on an
 * alternate stack, so nothing is ever pushed into the sandbox.
 *
 * A signal handler can only reach the child's state through statics: the
 * child keeps exactly one such record (HostChild).
 */
#include "tools/difftest/dt.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)

#include <asm/ldt.h>
#include <asm/prctl.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define VEC_DB 1

typedef struct HostShm {
    DtRegs init;
    unsigned bits;
    DtReport rep;
} HostShm;

struct DtHost {
    DtLayout lay;
    int code_fd, sbx_fd;
    uint8_t *code;        /* the parent's views */
    uint8_t *sbx;
    HostShm *shm;
    pid_t pid;
    int req_fd, resp_fd;
};

/* --- the child --- */

typedef struct HostChild {
    HostShm *shm;
    sigjmp_buf jb;
    bool entered;
    bool in_stream;      /* between the stub and the end of a stream */
    uint32_t stub_base;
} HostChild;

static HostChild child;

extern void dt_host_enter32(uint64_t target, uint64_t data_sel);
extern void dt_host_enter64(uint64_t target);
__asm__(".text\n"
        ".globl dt_host_enter32\n"
        ".type dt_host_enter32, @function\n"
        ".globl dt_host_enter64\n"
        ".type dt_host_enter64, @function\n"
        "dt_host_enter64:\n"
        "    jmp *%rdi\n"
        "dt_host_enter32:\n"
        "    mov %esi, %ds\n"
        "    mov %esi, %es\n"
        "    pushq $0x23\n"
        "    pushq %rdi\n"
        "    lretq\n");

static void regs_from_context(DtRegs *r, const ucontext_t *uc)
{
    const greg_t *gr = uc->uc_mcontext.gregs;
    bool b64 = child.shm->bits == 64;
    memset(r, 0, sizeof(*r));
    /* The signal frame holds the FPU state in FXSAVE layout; XMM8-15 are
     * out of reach of 16/32-bit code. */
    if (uc->uc_mcontext.fpregs) {
        dt_fpu_from_fxsave(&r->fpu, (const uint8_t *)uc->uc_mcontext.fpregs,
                           b64 ? 16 : 8);
    }
    if (b64) {
        static const int map[16] = {
            REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI,
            REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13,
            REG_R14, REG_R15};
        for (int i = 0; i < 16; i++) {
            r->r[i] = (uint64_t)gr[map[i]];
        }
        r->eflags = (uint64_t)gr[REG_EFL];
        r->eip = (uint64_t)gr[REG_RIP];
        return;
    }
    r->r[DT_EAX] = (uint32_t)gr[REG_RAX];
    r->r[DT_ECX] = (uint32_t)gr[REG_RCX];
    r->r[DT_EDX] = (uint32_t)gr[REG_RDX];
    r->r[DT_EBX] = (uint32_t)gr[REG_RBX];
    r->r[DT_ESP] = (uint32_t)gr[REG_RSP];
    r->r[DT_EBP] = (uint32_t)gr[REG_RBP];
    r->r[DT_ESI] = (uint32_t)gr[REG_RSI];
    r->r[DT_EDI] = (uint32_t)gr[REG_RDI];
    r->eflags = (uint32_t)gr[REG_EFL];
    r->eip = (uint32_t)gr[REG_RIP];
}

/* A stream may have set EFLAGS.AC; the kernel leaves it set for the
 * handler, and with CR0.AM on any misaligned access of ours would raise
 * #AC again. */
static inline void clear_ac(void)
{
    __asm__ volatile("pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq"
                     ::: "cc", "memory");
}

static void child_signal(int sig, siginfo_t *si, void *ucv)
{
    clear_ac();
    ucontext_t *uc = ucv;
    const greg_t *gr = uc->uc_mcontext.gregs;
    DtReport *rep = &child.shm->rep;
    uint32_t eip = (uint32_t)gr[REG_RIP];
    int trapno = (int)gr[REG_TRAPNO];

    if (sig == SIGALRM) {
        rep->end.vec = DT_END_TIMEOUT;
        siglongjmp(child.jb, 1);
    }
    unsigned cs = gr[REG_CSGSFS] & 0xffff;
    bool stream_cs = child.shm->bits == 64
                         ? (cs == DT_SEL_CODE64 || cs == DT_SEL_CODE32) &&
                               child.in_stream
                         : cs == DT_SEL_CODE32 || cs == DT_SEL_CODE16;
    if (!stream_cs) {
        /* A fault in the child's own 64-bit code: a runner bug. */
        rep->end.vec = DT_END_CRASH;
        rep->end.err = (uint32_t)sig;
        siglongjmp(child.jb, 1);
    }
    if (sig == SIGTRAP && trapno == VEC_DB) {
        if (!child.entered) {
            /* The stub's own steps; the one after its final jump lands on
             * the first instruction of the stream. */
            bool stub_cs = cs == DT_SEL_CODE32 || cs == DT_SEL_CODE64;
            if (!stub_cs || eip - child.stub_base >= DT_PAGE) {
                child.entered = true;
            }
            return;
        }
        if (rep->nsteps >= DT_MAX_STEPS) {
            rep->end.vec = DT_END_OVERFLOW;
            siglongjmp(child.jb, 1);
        }
        regs_from_context(&rep->steps[rep->nsteps++], uc);
        return;
    }
    rep->end.vec = trapno;
    rep->end.err = (uint32_t)gr[REG_ERR];
    rep->end.cr2 = trapno == 14 ? (uint64_t)(uintptr_t)si->si_addr : 0;
    regs_from_context(&rep->end.regs, uc);
    siglongjmp(child.jb, 1);
}

static __attribute__((noreturn)) void child_main(DtHost *h)
{
    const DtLayout *lay = &h->lay;
    uint8_t one;
    void *p;

    p = mmap((void *)(uintptr_t)lay->code_base, DT_CODE_SIZE,
             PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED_NOREPLACE,
             h->code_fd, 0);
    if (p != (void *)(uintptr_t)lay->code_base) {
        _exit(10);
    }
    p = mmap((void *)(uintptr_t)lay->sbx_base, DT_SBX_SIZE,
             PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE,
             h->sbx_fd, 0);
    if (p != (void *)(uintptr_t)lay->sbx_base) {
        _exit(11);
    }
    uint8_t *stub = mmap((void *)(uintptr_t)lay->stub_base, 2 * DT_PAGE,
                         PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                         -1, 0);
    if (stub != (void *)(uintptr_t)lay->stub_base ||
        lay->scratch_base != lay->stub_base + DT_PAGE) {
        _exit(12);
    }
    dt_build_stub(stub, lay);
    if (mprotect(stub, DT_PAGE, PROT_READ | PROT_EXEC)) {
        _exit(13);
    }

    static uint8_t altstack[256 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    if (sigaltstack(&ss, NULL)) {
        _exit(14);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = child_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    static const int sigs[] = {SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS,
                               SIGALRM};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (sigaction(sigs[i], &sa, NULL)) {
            _exit(15);
        }
    }
    unsigned data_sel;
    __asm__ volatile("mov %%ss, %0" : "=r"(data_sel));
    if (data_sel != DT_SEL_DATA32) {
        _exit(16);
    }

    /* GS of 64-bit streams points into the sandbox (glibc uses FS). */
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)lay->gs_base)) {
        _exit(17);
    }
    child.shm = h->shm;
    child.stub_base = lay->stub_base;
    for (;;) {
        ssize_t n = read(h->req_fd, &one, 1);
        if (n != 1) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            _exit(0);
        }
        DtReport *rep = &child.shm->rep;
        rep->nsteps = 0;
        memset(&rep->end, 0, sizeof(rep->end));
        dt_fill_scratch(stub + DT_PAGE, lay, &child.shm->init,
                        child.shm->bits);
        child.entered = false;
        if (sigsetjmp(child.jb, 1) == 0) {
            alarm(5);
            child.in_stream = true;
            if (child.shm->bits == 64) {
                dt_host_enter64(lay->stub_base + DT_STUB64);
            }
            dt_host_enter32(lay->stub_base, data_sel);
            __builtin_unreachable();
        }
        clear_ac();
        child.in_stream = false;
        alarm(0);
        if (write(h->resp_fd, &one, 1) != 1) {
            _exit(1);
        }
    }
}

/* --- the parent --- */

static int host_spawn(DtHost *h)
{
    int req[2], resp[2];
    if (pipe(req) || pipe(resp)) {
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        close(req[1]);
        close(resp[0]);
        h->req_fd = req[0];
        h->resp_fd = resp[1];
        child_main(h);
    }
    close(req[0]);
    close(resp[1]);
    h->pid = pid;
    h->req_fd = req[1];
    h->resp_fd = resp[0];
    return 0;
}

static void host_reap(DtHost *h)
{
    if (h->pid > 0) {
        close(h->req_fd);
        close(h->resp_fd);
        waitpid(h->pid, NULL, 0);
        h->pid = 0;
    }
}

/* Can we map at @base (and the pages after it) in this process? */
static bool can_map_at(uint32_t base, uint32_t len)
{
    void *p = mmap((void *)(uintptr_t)base, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    munmap(p, len);
    return p == (void *)(uintptr_t)base;
}

/* The 16-bit segments of 16-bit streams, in the LDT (inherited by the
 * child): code based at the stream, data based at 0, both 64 KiB. */
static bool install_ldt(const DtLayout *lay)
{
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = DT_SEL_CODE16 >> 3;
    d.base_addr = lay->code_base;
    d.limit = 0xffff;
    d.contents = MODIFY_LDT_CONTENTS_CODE;
    d.useable = 1;
    if (syscall(SYS_modify_ldt, 1, &d, sizeof(d))) {
        return false;
    }
    memset(&d, 0, sizeof(d));
    d.entry_number = DT_SEL_DATA16 >> 3;
    d.base_addr = 0;
    d.limit = 0xffff;
    d.contents = MODIFY_LDT_CONTENTS_DATA;
    d.useable = 1;
    return syscall(SYS_modify_ldt, 1, &d, sizeof(d)) == 0;
}

DtHost *dt_host_new(DtLayout *lay, bool *has16, char *err, size_t errlen)
{
    static const uint32_t bases[] = {0x1000, 0x10000, 0x10000000};
    uint32_t base = 0;
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        DtLayout l;
        dt_layout_init(&l, bases[i]);
        if (can_map_at(bases[i], l.scratch_base + DT_PAGE - bases[i])) {
            base = bases[i];
            break;
        }
    }
    if (!base) {
        snprintf(err, errlen, "cannot map the sandbox below 4 GiB");
        return NULL;
    }
    DtHost *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    dt_layout_init(&h->lay, base);
    *lay = h->lay;
    /* 16-bit streams need the sandbox below 64 KiB. */
    *has16 = base < 0x10000 && install_ldt(lay);
    h->lay.ldt16 = lay->ldt16 = *has16;
    h->code_fd = memfd_create("difftest-code", MFD_CLOEXEC);
    h->sbx_fd = memfd_create("difftest-sandbox", MFD_CLOEXEC);
    if (h->code_fd < 0 || h->sbx_fd < 0 ||
        ftruncate(h->code_fd, DT_CODE_SIZE) ||
        ftruncate(h->sbx_fd, DT_SBX_SIZE)) {
        snprintf(err, errlen, "memfd: %s", strerror(errno));
        free(h);
        return NULL;
    }
    h->code = mmap(NULL, DT_CODE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                   h->code_fd, 0);
    h->sbx = mmap(NULL, DT_SBX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                  h->sbx_fd, 0);
    h->shm = mmap(NULL, sizeof(HostShm), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (h->code == MAP_FAILED || h->sbx == MAP_FAILED ||
        h->shm == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        free(h);
        return NULL;
    }
    /* A child that dies must not kill the driver with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (host_spawn(h)) {
        snprintf(err, errlen, "cannot start the runner: %s",
                 strerror(errno));
        free(h);
        return NULL;
    }
    return h;
}

void dt_host_free(DtHost *h)
{
    if (h) {
        host_reap(h);
        munmap(h->code, DT_CODE_SIZE);
        munmap(h->sbx, DT_SBX_SIZE);
        munmap(h->shm, sizeof(HostShm));
        close(h->code_fd);
        close(h->sbx_fd);
        free(h);
    }
}

void dt_host_run(DtHost *h, const DtStream *s, DtReport *rep,
                 uint8_t *sbx_out)
{
    uint8_t one = 'r';
    memcpy(h->code, s->code, s->len);
    memset(h->code + s->len, 0xf4, DT_CODE_SIZE - s->len);
    dt_fill_sandbox(h->sbx, s->mem_seed);
    h->shm->init = s->init;
    h->shm->bits = s->bits;
    h->shm->rep.nsteps = 0;
    h->shm->rep.end.vec = DT_END_CRASH;
    bool ok = write(h->req_fd, &one, 1) == 1 && read(h->resp_fd, &one, 1) == 1;
    if (!ok) {
        /* The child died: report a crash and start another. */
        host_reap(h);
        h->shm->rep.end.vec = DT_END_CRASH;
        host_spawn(h);
    }
    rep->nsteps = h->shm->rep.nsteps;
    memcpy(rep->steps, h->shm->rep.steps, rep->nsteps * sizeof(DtRegs));
    rep->end = h->shm->rep.end;
    memcpy(sbx_out, h->sbx, DT_SBX_SIZE);
}

#else /* not x86-64 Linux */

#include <stdlib.h>

DtHost *dt_host_new(DtLayout *lay, bool *has16, char *err, size_t errlen)
{
    (void)lay;
    *has16 = false;
    snprintf(err, errlen, "the host runner needs x86-64 Linux");
    return NULL;
}

void dt_host_free(DtHost *h)
{
    (void)h;
}

void dt_host_run(DtHost *h, const DtStream *s, DtReport *rep,
                 uint8_t *sbx_out)
{
    (void)h;
    (void)s;
    (void)sbx_out;
    rep->nsteps = 0;
    rep->end.vec = DT_END_CRASH;
}

#endif
