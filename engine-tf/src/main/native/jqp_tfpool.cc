/*
 * Runs a jqp kernel's parts on TensorFlow's own intra-op threads, the ones its Relu and ReluGrad
 * use.
 *
 * Why: jqp's kernels are as fast as TensorFlow's element-wise kernels on one thread, but a thread
 * of jqp's own pool sleeps between kernels and wakes 90-170 us after a job is posted on this
 * machine's virtual CPUs, while TensorFlow's intra-op threads spin for a while after each op and
 * take work at once. Its C kernel API gives no access to them, so this file finds them through
 * two C++ symbols that TensorFlow's libraries export:
 *
 *   tensorflow::OpKernelContext::eigen_device<Eigen::ThreadPoolDevice>() const
 *     (the C API's TF_OpKernelContext is that OpKernelContext), whose first member is the
 *     Eigen::ThreadPoolInterface* of the intra-op pool (Eigen's TensorDeviceThreadPool.h);
 *   Eigen::ThreadPoolTempl<tsl::thread::EigenEnvironment>::Schedule(std::function<void()>)
 *     (TensorFlow's pool class), called through the pool's virtual table only when dladdr names
 *     its first entry so, so a TensorFlow whose layout differs falls back to jqp's pool instead of
 *     calling into the unknown.
 *
 * The first is looked up once with dlsym; where it is missing, or the check fails, or
 * JQP_TF_POOL=0 is set, jqp_tf_pool_run returns 0 and the caller uses jqp's own pool. The parts
 * are the caller's: each is element-wise or whole samples, so which thread runs it changes no
 * value.
 */
#include <dlfcn.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <new>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

extern "C" {
typedef void (*PartFn)(const void* job, int part, int parts);
int jqp_tf_pool_run(void* ctx, PartFn fn, const void* job, int parts, int helpers,
                    int64_t* helper_parts, int64_t* claims, int64_t* late_ns);
int jqp_tf_pool_found(void* ctx);
}

namespace {

typedef const void* (*EigenDeviceFn)(const void* ctx);
typedef void (*ScheduleFn)(void* pool, std::function<void()> fn);

const char kEigenDevice[] =
    "_ZNK10tensorflow15OpKernelContext12eigen_deviceIN5Eigen16ThreadPoolDeviceEEERKT_v";
const char kSchedule[] =
    "_ZN5Eigen15ThreadPoolTemplIN3tsl6thread16EigenEnvironmentEE8ScheduleESt8functionIFvvEE";

void* find(const char* name) {
  void* f = dlsym(RTLD_DEFAULT, name);
  if (f == nullptr) {
    void* lib = dlopen("libtensorflow_framework.so.2", RTLD_LAZY | RTLD_NOLOAD);
    if (lib != nullptr) {
      f = dlsym(lib, name);
      dlclose(lib);
    }
  }
  return f;
}

int64_t now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* One job: parts claimed by the caller and the helpers; freed by whichever of them leaves last. */
struct Job {
  PartFn fn;
  const void* job;
  int parts;
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<int> refs{0};
  std::atomic<int64_t> helper_parts{0};
  std::atomic<int64_t> late_ns{0};
  std::atomic<int64_t> claims{0};
  int64_t posted_ns = 0;
  unsigned csr = 0;
};

void release(Job* j) {
  if (j->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    delete j;
  }
}

/* Claims and runs parts until none is left (a helper's counted before each part is marked done, so
 * the caller reads the counts once every part is). */
void run_some(Job* j, bool is_helper) {
  bool first = is_helper && j->posted_ns != 0;
  for (int p = j->next.fetch_add(1, std::memory_order_relaxed); p < j->parts;
       p = j->next.fetch_add(1, std::memory_order_relaxed)) {
    if (first) {
      j->late_ns.fetch_add(now_ns() - j->posted_ns, std::memory_order_relaxed);
      j->claims.fetch_add(1, std::memory_order_relaxed);
      first = false;
    }
    j->fn(j->job, p, j->parts);
    if (is_helper) {
      j->helper_parts.fetch_add(1, std::memory_order_relaxed);
    }
    j->done.fetch_add(1, std::memory_order_release);
  }
}

void helper(Job* j) {
  if (j->next.load(std::memory_order_relaxed) < j->parts) {
#if defined(__SSE__)
    unsigned saved = _mm_getcsr();
    _mm_setcsr(j->csr);
#endif
    run_some(j, true);
#if defined(__SSE__)
    _mm_setcsr(saved);
#endif
  }
  release(j);
}

/* The virtual table last found to be TensorFlow's pool class's. */
std::atomic<void* const*> known_vtable{nullptr};

/*
 * The intra-op pool of the kernel's device and its Schedule, or null where the pool is not of
 * TensorFlow's pool class: the first entry of its virtual table must be a function of Schedule's
 * symbol name (the copy in libtensorflow_cc.so.2 or in the framework library, whichever built it).
 */
void* pool_of(void* ctx, ScheduleFn* fn) {
  // looked up once (a function's static is initialized once, whichever thread comes first)
  static const EigenDeviceFn eigen_device = []() -> EigenDeviceFn {
    const char* off = getenv("JQP_TF_POOL");
    if (off != nullptr && off[0] == '0') {
      return nullptr;
    }
    return reinterpret_cast<EigenDeviceFn>(find(kEigenDevice));
  }();
  if (eigen_device == nullptr) {
    return nullptr;
  }
  const void* device = eigen_device(ctx);
  if (device == nullptr) {
    return nullptr;
  }
  void* pool = *static_cast<void* const*>(device);
  if (pool == nullptr) {
    return nullptr;
  }
  void* const* vtable = *static_cast<void* const* const*>(pool);
  if (vtable != known_vtable.load(std::memory_order_acquire)) {
    Dl_info info;
    if (dladdr(vtable[0], &info) == 0 || info.dli_sname == nullptr ||
        strcmp(info.dli_sname, kSchedule) != 0) {
      return nullptr;
    }
    known_vtable.store(vtable, std::memory_order_release);
  }
  *fn = reinterpret_cast<ScheduleFn>(vtable[0]);
  return pool;
}

}  // namespace

/* 1 where a kernel with this context would run its parts on TensorFlow's intra-op pool. */
extern "C" int jqp_tf_pool_found(void* ctx) {
  ScheduleFn schedule_on = nullptr;
  return pool_of(ctx, &schedule_on) != nullptr ? 1 : 0;
}

/*
 * Runs fn(job, p, parts) for p in [0, parts) on the calling thread and up to `helpers` tasks on the
 * kernel's TensorFlow intra-op pool. Returns 1 when done, 0 when that pool cannot be used (nothing
 * ran). The caller waits only for parts a helper has started: a helper that TensorFlow runs late
 * finds none left and returns.
 */
extern "C" int jqp_tf_pool_run(void* ctx, PartFn fn, const void* job, int parts, int helpers,
                               int64_t* helper_parts, int64_t* claims, int64_t* late_ns) {
  ScheduleFn schedule_on = nullptr;
  void* pool = pool_of(ctx, &schedule_on);
  if (pool == nullptr) {
    return 0;
  }
  Job* j = new (std::nothrow) Job();
  if (j == nullptr) {
    return 0;
  }
  j->fn = fn;
  j->job = job;
  j->parts = parts;
  j->refs.store(helpers + 1, std::memory_order_relaxed);
  j->posted_ns = late_ns != nullptr ? now_ns() : 0;
#if defined(__SSE__)
  j->csr = _mm_getcsr();
#endif
  for (int h = 0; h < helpers; h++) {
    schedule_on(pool, std::function<void()>([j] { helper(j); }));
  }
  run_some(j, false);
  // parts a helper has started: each is well under a millisecond, so spin, then yield the core
  for (unsigned i = 1; j->done.load(std::memory_order_acquire) < parts; i++) {
    if (i < 20000) {
      relax();
    } else {
      sched_yield();
    }
  }
  if (helper_parts != nullptr) {
    *helper_parts += j->helper_parts.load(std::memory_order_relaxed);
  }
  if (late_ns != nullptr) {
    *late_ns += j->late_ns.load(std::memory_order_relaxed);
    *claims += j->claims.load(std::memory_order_relaxed);
  }
  release(j);
  return 1;
}
