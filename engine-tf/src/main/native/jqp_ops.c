/*
 * jqp's own TensorFlow kernels, registered through TensorFlow's C kernel and op API
 * (tensorflow/c/kernels.h, ops.h): the fixed-point quantizer with truncation toward zero (SPEC §1)
 * in one pass, with what sits next to it at a site taken into the same pass.
 *
 * TensorFlow ships fused fake-quantization kernels only for rounding to nearest; truncation is a
 * chain of five element-wise kernels (scale, clip, float -> int32, int32 -> float, rescale), each a
 * full pass over the activations. JqpQuant does the same arithmetic per value in one pass:
 *
 *   y = (float)(int32)min(max(x * scale, lo), hi) * unscale
 *
 * with scale = 2^d and unscale = 2^-d given as tensors (a scalar, or one per channel of the last
 * axis), so every product and the conversion are the ones the chain computes, value for value.
 * JqpMaskedQuant multiplies by a pruning mask before Q (prune, then quantize) or after it, and
 * both may end with the ReLU that follows an activation site (relu). Their straight-through
 * gradients: JqpClipMaskGrad (the clip and the mask's multiply) and JqpClipReluGrad (ReluGrad, the
 * clip and the multiply). JqpMask is a pruning mask where no quantizer acts (a pruning phase
 * before quantization starts), x * m, with the ReLU after an activation site (relu); its gradient
 * is JqpClipMaskGrad's or JqpClipReluGrad's with unbounded clip. Each computes TensorFlow's
 * kernels' products in their order.
 * JqpTruncError is a d* search's candidate error in one pass (its five kernels: abs, the scale's
 * multiply, floor, the minimum against the bound, the squared difference); JqpTruncErrorSums
 * sums every candidate's errors per sample in one kernel (a windowed d* search's collection).
 * JqpKeepLargest is a
 * magnitude pruner's mask: 1 at the k largest values (ties to the lower index), 0 elsewhere, the
 * set TensorFlow's TopK selects, found by selection in O(n) instead of TopK's O(n log k).
 *
 * The library declares the few C API functions it calls (their signatures are TensorFlow's stable
 * C API) and takes them from libtensorflow_framework.so.2, which TensorFlow Java has loaded before
 * it loads this library (build.sh links against a stub of that name, so only the name is needed).
 * jqp_tfpool.cc, built beside it where a C++ compiler is at hand, lets the kernels split their work
 * over TensorFlow's intra-op threads.
 */
#include <pthread.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct TF_Status TF_Status;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_KernelBuilder TF_KernelBuilder;
typedef struct TF_OpKernelConstruction TF_OpKernelConstruction;
typedef struct TF_OpKernelContext TF_OpKernelContext;
typedef struct TF_OpDefinitionBuilder TF_OpDefinitionBuilder;
typedef struct TF_ShapeInferenceContext TF_ShapeInferenceContext;
typedef struct TF_ShapeHandle TF_ShapeHandle;

/* TF_Code and TF_DataType values used here (tensorflow/c/tf_status.h, tf_datatype.h) */
enum { JQP_TF_OK = 0, JQP_TF_INVALID_ARGUMENT = 3 };
enum { JQP_TF_FLOAT = 1 };

extern TF_Status* TF_NewStatus(void);
extern void TF_DeleteStatus(TF_Status*);
extern void TF_SetStatus(TF_Status*, int code, const char* msg);
extern int TF_GetCode(const TF_Status*);

extern int TF_NumDims(const TF_Tensor*);
extern int64_t TF_Dim(const TF_Tensor*, int dim_index);
extern int64_t TF_TensorElementCount(const TF_Tensor*);
extern void* TF_TensorData(const TF_Tensor*);
extern void TF_DeleteTensor(TF_Tensor*);

extern TF_KernelBuilder* TF_NewKernelBuilder(
    const char* op_name,
    const char* device_name,
    void* (*create_func)(TF_OpKernelConstruction*),
    void (*compute_func)(void*, TF_OpKernelContext*),
    void (*delete_func)(void*));
extern void TF_RegisterKernelBuilder(const char* kernel_name, TF_KernelBuilder*, TF_Status*);
extern void TF_OpKernelConstruction_GetAttrFloat(
    TF_OpKernelConstruction*, const char* attr_name, float* val, TF_Status*);
extern void TF_OpKernelConstruction_GetAttrInt64(
    TF_OpKernelConstruction*, const char* attr_name, int64_t* val, TF_Status*);
extern void TF_OpKernelConstruction_GetAttrBool(
    TF_OpKernelConstruction*, const char* attr_name, unsigned char* val, TF_Status*);
extern void TF_OpKernelConstruction_Failure(TF_OpKernelConstruction*, TF_Status*);
extern void TF_GetInput(TF_OpKernelContext*, int i, TF_Tensor** tensor, TF_Status*);
extern TF_Tensor* TF_ForwardInputOrAllocateOutput(
    TF_OpKernelContext*,
    const int* candidate_input_indices,
    int num_candidate_input_indices,
    int output_index,
    const int64_t* output_dims,
    int output_num_dims,
    int* forwarded_input,
    TF_Status*);
extern void TF_OpKernelContext_Failure(TF_OpKernelContext*, TF_Status*);

extern TF_OpDefinitionBuilder* TF_NewOpDefinitionBuilder(const char* op_name);
extern void TF_OpDefinitionBuilderAddInput(TF_OpDefinitionBuilder*, const char* spec);
extern void TF_OpDefinitionBuilderAddOutput(TF_OpDefinitionBuilder*, const char* spec);
extern void TF_OpDefinitionBuilderAddAttr(TF_OpDefinitionBuilder*, const char* spec);
extern void TF_OpDefinitionBuilderSetShapeInferenceFunction(
    TF_OpDefinitionBuilder*, void (*fn)(TF_ShapeInferenceContext*, TF_Status*));
extern void TF_RegisterOpDefinition(TF_OpDefinitionBuilder*, TF_Status*);
extern TF_ShapeHandle* TF_NewShapeHandle(void);
extern void TF_ShapeInferenceContextGetInput(
    TF_ShapeInferenceContext*, int i, TF_ShapeHandle*, TF_Status*);
extern void TF_ShapeInferenceContextSetOutput(
    TF_ShapeInferenceContext*, int i, TF_ShapeHandle*, TF_Status*);
extern void TF_DeleteShapeHandle(TF_ShapeHandle*);
extern void TF_ShapeInferenceContextSetUnknownShape(TF_ShapeInferenceContext*, TF_Status*);
extern TF_Tensor* TF_AllocateOutput(TF_OpKernelContext*, int index, int dtype, const int64_t* dims,
                                    int num_dims, size_t len, TF_Status*);

/*
 * The element-wise passes are compiled twice on x86-64: for AVX2 and for the baseline the build
 * targets (SSE4.1), the CPU picking one when the library loads (GCC's target_clones, an ifunc).
 * AVX2's 256-bit integer compares vectorize the ReLU test on a value's bits, which SSE4.1 runs
 * 4 wide: 1.25 -> 0.69 ms for conv1's 1.6 M gradients on one thread. The products, comparisons and
 * conversions are the same IEEE operations at either width (no FMA: -ffp-contract=off), so both
 * clones give the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define JQP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define JQP_CLONES
#endif

/* Values below which a second thread costs more than it saves. */
#define MIN_PER_THREAD (1 << 16)
/* Values per part at least: a part is claimed and counted under the pool's lock. */
#define MIN_PER_PART (1 << 14)
/* Parts per thread at most: small parts let a worker the OS runs late (a wake-up costs tens of
 * microseconds on a virtual machine) still take its share, and shorten the wait for the last part. */
#define PARTS_PER_THREAD 8
/* How long a caller spins for a worker's last part before it sleeps until the part is done. */
#define SPIN_NS 100000
#define MAX_THREADS 64

/*
 * Where jqp_tfpool.cc cannot reach TensorFlow's intra-op threads (no C++ compiler at build time,
 * another TensorFlow build, JQP_TF_POOL=0, or an op built with tf_pool false), the kernels use
 * a pool of worker threads that lives as long as the process: a kernel splits its values into
 * parts and posts them; the calling thread and the workers claim parts until none is left, so a
 * worker that the OS has not yet run (TensorFlow's own threads share the cores) costs no waiting:
 * the caller does its parts, and waits only for parts a worker has started. Starting threads per
 * call cost about 50 us per kernel. One job at a time: a kernel that finds the pool busy
 * (TensorFlow runs independent ops at once) runs all its parts itself.
 */
typedef void (*PartFn)(const void* job, int part, int parts);

static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_start = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static int pool_workers;       /* started so far */
static unsigned long pool_gen; /* one more per job */
static PartFn pool_fn;
static const void* pool_job;
static int pool_parts;
static int pool_next;     /* the next part to claim */
static int pool_finished; /* parts done */
#if defined(__SSE__)
/* The caller's SSE control (TensorFlow's threads flush subnormals to zero): workers take it on, so
 * every part computes as the caller's thread, and as TensorFlow's kernels, would (threads inherit it
 * from the TensorFlow thread that starts them; a job sets it anyway). */
static unsigned int pool_csr;
#endif

/*
 * Where the pool's time goes, counted when JQP_POOL_STATS is set in the environment and written to
 * standard error at exit: jobs run on the pool, jobs a busy pool left to their caller alone, the
 * parts each side ran, how long callers waited for workers' parts, and how late workers claimed
 * their first part of a job. Off, it costs one branch per kernel.
 */
static int stats_on;
static int64_t st_pooled, st_busy, st_caller_parts, st_worker_parts, st_claims;
static int64_t st_forwarded, st_allocated, st_allocated_bytes;
static int64_t st_job_ns, st_busy_ns, st_wait_ns, st_late_ns;
static int64_t st_tf_jobs, st_tf_ns; /* jobs run on TensorFlow's intra-op pool (jqp_tfpool.cc) */
static int64_t st_start_ns; /* when the current job was posted */

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void stats_report(void) {
  fprintf(stderr, "jqp pool: %lld jobs on TensorFlow's intra-op threads (%.1f ms)\n",
          (long long)st_tf_jobs, st_tf_ns / 1e6);
  fprintf(stderr,
          "jqp pool: %lld pooled jobs (%.1f ms), %lld run alone on a busy pool (%.1f ms); parts: "
          "%lld by callers, %lld by workers; callers waited %.1f ms; workers' first claims %.1f us "
          "late on average (%lld)\n",
          (long long)st_pooled, st_job_ns / 1e6, (long long)st_busy, st_busy_ns / 1e6,
          (long long)st_caller_parts, (long long)st_worker_parts, st_wait_ns / 1e6,
          st_claims == 0 ? 0.0 : st_late_ns / 1e3 / st_claims, (long long)st_claims);
  fprintf(stderr,
          "jqp outputs: %lld in an input's buffer, %lld newly allocated (%.1f MB)\n",
          (long long)st_forwarded, (long long)st_allocated, st_allocated_bytes / 1e6);
}

/* Under pool_lock: the next part of job `gen`, or -1 when none is left (or the job is over). */
static int claim(unsigned long gen) {
  if (pool_gen != gen || pool_next >= pool_parts) {
    return -1;
  }
  return pool_next++;
}

typedef struct {
  unsigned long seen; /* the job generation when it was started: it waits for the next */
} WorkerStart;

static void* pool_worker(void* arg) {
  unsigned long seen = ((WorkerStart*)arg)->seen;
  free(arg);
  pthread_mutex_lock(&pool_lock);
  for (;;) {
    while (pool_gen == seen) {
      pthread_cond_wait(&pool_start, &pool_lock);
    }
    seen = pool_gen;
    int first = 1;
    for (int p = claim(seen); p >= 0; p = claim(seen)) {
      if (stats_on) {
        st_worker_parts++;
        if (first) {
          st_claims++;
          st_late_ns += now_ns() - st_start_ns;
          first = 0;
        }
      }
      PartFn fn = pool_fn;
      const void* job = pool_job;
      int parts = pool_parts;
#if defined(__SSE__)
      _mm_setcsr(pool_csr);
#endif
      pthread_mutex_unlock(&pool_lock);
      fn(job, p, parts);
      pthread_mutex_lock(&pool_lock);
      if (__atomic_add_fetch(&pool_finished, 1, __ATOMIC_RELEASE) == parts) {
        pthread_cond_signal(&pool_done);
      }
    }
  }
  return NULL;
}

/* Under pool_lock: starts workers until there are `wanted`, as far as the system lets it. */
static void start_workers(int wanted) {
  while (pool_workers < wanted) {
    pthread_t id;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    WorkerStart* start = (WorkerStart*)malloc(sizeof(WorkerStart));
    int ok = start != NULL;
    if (ok) {
      start->seen = pool_gen;
      ok = pthread_create(&id, &attr, pool_worker, start) == 0;
      if (!ok) {
        free(start);
      }
    }
    pthread_attr_destroy(&attr);
    if (!ok) {
      return;
    }
    pool_workers++;
  }
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  __asm__ __volatile__("" ::: "memory");
#endif
}

#if defined(JQP_TF_POOL)
/* jqp_tfpool.cc: the parts on TensorFlow's intra-op threads; 0 where they cannot be used. */
extern int jqp_tf_pool_run(void* ctx, PartFn fn, const void* job, int parts, int helpers,
                           int64_t* helper_parts, int64_t* claims, int64_t* late_ns);
/* jqp_tfpool.cc: 1 where a kernel with this context would run parts on TensorFlow's threads. */
extern int jqp_tf_pool_found(void* ctx);
#endif

/*
 * Runs fn(job, p, parts) for p in [0, parts), on the calling thread and up to threads - 1
 * threads of TensorFlow's intra-op pool (jqp_tfpool.cc, with tf_pool), or, where that pool is
 * not used, of jqp's own pool where it is free.
 */
static void run_parts(TF_OpKernelContext* ctx, int tf_pool, PartFn fn, const void* job, int parts,
                      int threads) {
#if defined(JQP_TF_POOL)
  if (tf_pool && parts > 1 && threads > 1) {
    int64_t t0 = stats_on ? now_ns() : 0;
    int64_t helper_parts = 0, claims = 0, late = 0;
    int helpers = (threads < parts ? threads : parts) - 1;
    if (jqp_tf_pool_run(ctx, fn, job, parts, helpers, stats_on ? &helper_parts : NULL, &claims,
                        stats_on ? &late : NULL)) {
      if (stats_on) {
        int64_t t1 = now_ns();
        pthread_mutex_lock(&pool_lock);
        st_tf_jobs++;
        st_tf_ns += t1 - t0;
        st_worker_parts += helper_parts;
        st_caller_parts += parts - helper_parts;
        st_claims += claims;
        st_late_ns += late;
        pthread_mutex_unlock(&pool_lock);
      }
      return;
    }
  }
#else
  (void)ctx;
  (void)tf_pool;
#endif
  if (parts <= 1 || threads <= 1 || pthread_mutex_trylock(&pool_owner) != 0) {
    int64_t t0 = stats_on && parts > 1 ? now_ns() : 0;
    for (int p = 0; p < parts; p++) {
      fn(job, p, parts);
    }
    if (t0 != 0) {
      int64_t t1 = now_ns();
      pthread_mutex_lock(&pool_lock);
      st_busy++;
      st_busy_ns += t1 - t0;
      pthread_mutex_unlock(&pool_lock);
    }
    return;
  }
  int64_t t0 = stats_on ? now_ns() : 0;
  pthread_mutex_lock(&pool_lock);
  st_start_ns = t0;
  start_workers((threads < parts ? threads : parts) - 1);
  pool_fn = fn;
  pool_job = job;
  pool_parts = parts;
  pool_next = 0;
  pool_finished = 0;
#if defined(__SSE__)
  pool_csr = _mm_getcsr();
#endif
  unsigned long gen = ++pool_gen;
  pthread_cond_broadcast(&pool_start);
  for (int p = claim(gen); p >= 0; p = claim(gen)) {
    pthread_mutex_unlock(&pool_lock);
    fn(job, p, parts);
    pthread_mutex_lock(&pool_lock);
    __atomic_add_fetch(&pool_finished, 1, __ATOMIC_RELEASE);
    st_caller_parts += stats_on;
  }
  int64_t w0 = 0;
  if (__atomic_load_n(&pool_finished, __ATOMIC_ACQUIRE) < parts) {
    /* a worker runs the last parts: spin a while, as waking from a sleep costs more than a part */
    pthread_mutex_unlock(&pool_lock);
    w0 = now_ns();
    const int64_t until = w0 + SPIN_NS;
    for (unsigned i = 1; __atomic_load_n(&pool_finished, __ATOMIC_ACQUIRE) < parts; i++) {
      cpu_relax();
      if ((i & 63) == 0 && now_ns() > until) {
        break;
      }
    }
    pthread_mutex_lock(&pool_lock);
  }
  while (pool_finished < parts) {
    pthread_cond_wait(&pool_done, &pool_lock);
  }
  if (stats_on) {
    int64_t t1 = now_ns();
    st_wait_ns += w0 == 0 ? 0 : t1 - w0;
    st_job_ns += t1 - t0;
    st_pooled++;
  }
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&pool_owner);
}

/* How many parts for n values of which each part takes whole rows of `row` values. */
static int parts_for(int threads, int64_t n, int64_t row) {
  if (threads > n / MIN_PER_THREAD) {
    threads = (int)(n / MIN_PER_THREAD);
  }
  int64_t parts = threads <= 1 ? 1 : (int64_t)threads * PARTS_PER_THREAD;
  if (parts > n / MIN_PER_PART) {
    parts = n / MIN_PER_PART;
  }
  if (parts > n / row) {
    parts = n / row;
  }
  return parts < 1 ? 1 : (int)parts;
}

typedef struct {
  const char* name; /* the op's, for errors */
  float lo;
  float hi;
  int threads;
  int tf_pool; /* parts on TensorFlow's intra-op threads where it can (else jqp's own pool) */
  int mask_first;
  int relu;
  int half_even;
  float scale; /* JqpTruncError: 2^d */
  float top;   /* JqpTruncError: 2^(N-1) */
} Kernel;

/* How a mask enters a quantizer pass. */
enum { NO_MASK = 0, MASK_BEFORE = 1, MASK_AFTER = 2 };

/*
 * One run of a quantizer pass over len values with one scale:
 *   t = x (NO_MASK) or x * m (MASK_BEFORE);
 *   q = (float)(int32)min(max(t * scale, lo), hi) * unscale (or rounding half to even for the
 *       conversion, half_even);
 *   y = q, or q * m (MASK_AFTER); with relu, max(y, 0) as TensorFlow's Relu gives it, y <= 0
 *   giving +0 (Q is never -0 or NaN; q * m is -0 where q < 0 and m = 0, which TensorFlow's Relu
 *   makes +0 in all but its scalar tail).
 * m points at len mask values, or (mask_step 0) at one value for all. Inlined with constant mode,
 * relu and mask_step, so each variant is its own vectorized loop.
 */
static inline __attribute__((always_inline)) void quant_run(
    const float* x, float* y, const float* m, int mask_step, int64_t len, float sc, float us,
    float lo, float hi, int mode, int relu, int half_even) {
  for (int64_t k = 0; k < len; k++) {
    const float mv = m == NULL ? 1.0f : m[mask_step ? k : 0];
    float v = mode == MASK_BEFORE ? x[k] * mv : x[k];
    v = v * sc;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    /* half to even: rintf in TensorFlow's rounding mode (to nearest) after the clip, which
     * commutes with rounding for whole-number bounds; like TensorFlow's kernel it keeps -0 */
    v = half_even ? rintf(v) : (float)(int32_t)v;
    v = v * us;
    if (mode == MASK_AFTER) {
      v = v * mv;
    }
    if (relu) {
      v = v > 0.0f ? v : 0.0f;
    }
    y[k] = v;
  }
}

/*
 * One quantizer pass (quant_run) over x, split in parts by whole rows of `channels` values. The
 * mask's values repeat along x (it is x's trailing axes, broadcast over the leading ones).
 */
typedef struct {
  const float* x;
  float* y;
  const float* scale;
  const float* unscale;
  const float* mask; /* NULL: none */
  int64_t mask_n;
  int mode;
  int relu;
  int half_even;
  float lo;
  float hi;
  int64_t channels; /* 1: one scale for all values */
  int64_t n;
} QuantJob;

#define QUANT_RELU(CALL, MODE)         \
  if (s->relu) {                       \
    if (s->half_even) CALL(MODE, 1, 1); \
    else CALL(MODE, 1, 0);             \
  } else {                             \
    if (s->half_even) CALL(MODE, 0, 1); \
    else CALL(MODE, 0, 0);             \
  }

#define QUANT_VARIANTS(CALL)                \
  if (s->mode == NO_MASK) {                 \
    QUANT_RELU(CALL, NO_MASK)               \
  } else if (s->mode == MASK_BEFORE) {      \
    QUANT_RELU(CALL, MASK_BEFORE)           \
  } else {                                  \
    QUANT_RELU(CALL, MASK_AFTER)            \
  }

JQP_CLONES static void quant_part(const void* arg, int part, int parts) {
  const QuantJob* s = (const QuantJob*)arg;
  const int64_t c = s->channels;
  const int64_t rows = s->n / c;
  const int64_t begin = rows * part / parts * c;
  const int64_t end = rows * (part + 1) / parts * c;
  const float lo = s->lo;
  const float hi = s->hi;
  const float* m = s->mask;
  const int64_t mn = s->mask_n;
  if (c == 1 && (m == NULL || mn == 1)) {
#define WHOLE(MODE, RELU, HALF_EVEN)                                                          \
  quant_run(s->x + begin, s->y + begin, m, 0, end - begin, s->scale[0], s->unscale[0], lo, hi, \
            MODE, RELU, HALF_EVEN)
    QUANT_VARIANTS(WHOLE)
#undef WHOLE
    return;
  }
  if (c == 1) {
    /* by runs of the mask's period */
    for (int64_t i = begin; i < end;) {
      const int64_t mi = i % mn;
      const int64_t len = mn - mi < end - i ? mn - mi : end - i;
#define RUN(MODE, RELU, HALF_EVEN)                                                             \
  quant_run(s->x + i, s->y + i, m + mi, 1, len, s->scale[0], s->unscale[0], lo, hi, MODE, RELU, \
            HALF_EVEN)
      QUANT_VARIANTS(RUN)
#undef RUN
      i += len;
    }
    return;
  }
  /* one scale per channel: value by value (the mask covers whole rows of channels) */
  int64_t mi = m == NULL ? 0 : begin % mn;
  for (int64_t i = begin; i < end; i++) {
    const int64_t j = (i - begin) % c;
    const float* mp = m == NULL ? NULL : m + mi;
#define ONE(MODE, RELU, HALF_EVEN) \
  quant_run(s->x + i, s->y + i, mp, 0, 1, s->scale[j], s->unscale[j], lo, hi, MODE, RELU, HALF_EVEN)
    QUANT_VARIANTS(ONE)
#undef ONE
    if (m != NULL && ++mi == mn) {
      mi = 0;
    }
  }
}

/*
 * The clipped straight-through gradient, through a mask and a ReLU where they were fused:
 *   t = g, or g * (y > 0 ? 1 : 0) after a fused ReLU (TensorFlow's ReluGrad, y the ReLU's output);
 *   dx = clip(t, lo, hi) * m (mask_first: the mask multiplied x before Q), or clip(t * m, lo, hi).
 * A NaN stays NaN (neither comparison holds), as in ClipByValue.
 */
/*
 * 1.0f where y > 0, else 0.0f, as TensorFlow's ReluGrad computes it on its threads, which treat
 * subnormals as zero (and NaN > 0 is false): on y's bits, so the loop vectorizes (a float compare
 * in a select does not, and the flag that would let it also turns the truncating conversion into
 * truncf, which keeps -0).
 */
static inline __attribute__((always_inline)) float relu_on(float y) {
  int32_t bits;
  memcpy(&bits, &y, sizeof bits);
  return (float)((bits >= 0x00800000) & (bits <= 0x7f800000));
}

static inline __attribute__((always_inline)) void clip_run(
    const float* g, const float* y, float* dx, const float* m, int mask_step, int64_t len,
    float lo, float hi, int mask_first, int relu) {
  for (int64_t k = 0; k < len; k++) {
    const float mv = m[mask_step ? k : 0];
    float v = g[k];
    if (relu) {
      v = v * relu_on(y[k]);
    }
    if (!mask_first) {
      v = v * mv;
    }
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    dx[k] = mask_first ? v * mv : v;
  }
}

typedef struct {
  const float* g;
  const float* y; /* the fused ReLU's output, or NULL */
  float* dx;
  const float* mask;
  int64_t mask_n;
  int mask_first;
  float lo;
  float hi;
  int64_t n;
} ClipJob;

#define CLIP_VARIANTS(CALL)                   \
  if (s->y != NULL) {                         \
    if (s->mask_first) CALL(1, 1);            \
    else CALL(0, 1);                          \
  } else {                                    \
    if (s->mask_first) CALL(1, 0);            \
    else CALL(0, 0);                          \
  }

JQP_CLONES static void clip_part(const void* arg, int part, int parts) {
  const ClipJob* s = (const ClipJob*)arg;
  const int64_t begin = s->n * part / parts;
  const int64_t end = s->n * (part + 1) / parts;
  const float* m = s->mask;
  const int64_t mn = s->mask_n;
  const float* y = s->y;
  if (mn == 1) {
#define WHOLE(FIRST, RELU)                                                                       \
  clip_run(s->g + begin, y == NULL ? NULL : y + begin, s->dx + begin, m, 0, end - begin, s->lo, \
           s->hi, FIRST, RELU)
    CLIP_VARIANTS(WHOLE)
#undef WHOLE
    return;
  }
  for (int64_t i = begin; i < end;) {
    const int64_t mi = i % mn;
    const int64_t len = mn - mi < end - i ? mn - mi : end - i;
#define RUN(FIRST, RELU) \
  clip_run(s->g + i, y == NULL ? NULL : y + i, s->dx + i, m + mi, 1, len, s->lo, s->hi, FIRST, RELU)
    CLIP_VARIANTS(RUN)
#undef RUN
    i += len;
  }
}

/*
 * x * m as TensorFlow's Mul gives it, with relu then its Relu: the product where it is a positive
 * normal number, infinity or NaN (Relu keeps NaN, of either sign), else +0 (-0, negative numbers
 * and positive subnormals, which TensorFlow's threads treat as zero). The ReLU is taken on the
 * product's bits, so the loop vectorizes; a subnormal product is 0 there whether or not this
 * thread flushes it, as it is in TensorFlow.
 */
static inline __attribute__((always_inline)) void mask_run(const float* x, float* y,
                                                           const float* m, int mask_step,
                                                           int64_t len, int relu) {
  for (int64_t k = 0; k < len; k++) {
    const float v = x[k] * m[mask_step ? k : 0];
    if (relu) {
      int32_t b;
      memcpy(&b, &v, sizeof b);
      const int32_t keep = (b >= 0x00800000) | ((b & 0x7fffffff) > 0x7f800000);
      const int32_t r = keep ? b : 0;
      memcpy(&y[k], &r, sizeof r);
    } else {
      y[k] = v;
    }
  }
}

typedef struct {
  const float* x;
  float* y;
  const float* mask;
  int64_t mask_n;
  int relu;
  int64_t n;
} MaskJob;

#define MASK_VARIANTS(CALL) \
  if (s->relu) CALL(1);       \
  else CALL(0);

JQP_CLONES static void mask_part(const void* arg, int part, int parts) {
  const MaskJob* s = (const MaskJob*)arg;
  const int64_t begin = s->n * part / parts;
  const int64_t end = s->n * (part + 1) / parts;
  const int64_t mn = s->mask_n;
  if (mn == 1) {
#define WHOLE(RELU) mask_run(s->x + begin, s->y + begin, s->mask, 0, end - begin, RELU)
    MASK_VARIANTS(WHOLE)
#undef WHOLE
    return;
  }
  for (int64_t i = begin; i < end;) {
    const int64_t mi = i % mn;
    const int64_t len = mn - mi < end - i ? mn - mi : end - i;
#define RUN(RELU) mask_run(s->x + i, s->y + i, s->mask + mi, 1, len, RELU)
    MASK_VARIANTS(RUN)
#undef RUN
    i += len;
  }
}

/*
 * A d* search's candidate error in the scaled domain, value for value, as the search's chain of
 * TensorFlow kernels computes it (FixedPointQuantizer, GraphOps.truncationErrors):
 *   sa = |x| * scale;  b = (top - 1) + (x < 0 ? 1 : 0);  y = (min(floor(sa), b) - sa)^2,
 * the squared error of truncating x * scale toward zero to an N-bit integer (top = 2^(N-1)); the
 * sign does not change the square. A NaN gives NaN (sa is NaN).
 */
static inline __attribute__((always_inline)) void trunc_error_run(const float* x, float* y,
                                                                   int64_t len, float sc,
                                                                   float top) {
  const float below = top - 1.0f;
  for (int64_t k = 0; k < len; k++) {
    const float w = x[k];
    int32_t wb;
    memcpy(&wb, &w, sizeof wb);
    const float sa = fabsf(w) * sc;
    /* So that the loop vectorizes (floorf does not without -fno-trapping-math, a float compare
     * in a select neither), each step is taken on bits or by a conversion, to the same value:
     * - every float compared here is >= +0 (or a NaN, whose error is NaN anyway), where float
     *   order is the order of the bits as integers;
     * - floor(sa) is the truncating conversion of min(sa, 2^24): the bound is at most 2^23, so
     *   above 2^24 the minimum is the bound either way;
     * - the bound comes from w's sign bit, which differs from TensorFlow's x < 0 only for -0,
     *   negative subnormals (zero to TensorFlow's threads) and NaN, where sa is 0 or NaN and the
     *   bound (top - 1 or top) is not the minimum or not used. */
    int32_t sb;
    memcpy(&sb, &sa, sizeof sb);
    const int32_t cb = sb < 0x4b800000 ? sb : 0x4b800000; /* min(sa, 2^24) */
    float c;
    memcpy(&c, &cb, sizeof c);
    const float f = (float)(int32_t)c;
    const float b = below + (float)((uint32_t)wb >> 31);
    int32_t fb;
    int32_t bb;
    memcpy(&fb, &f, sizeof fb);
    memcpy(&bb, &b, sizeof bb);
    const int32_t mb = bb < fb ? bb : fb;
    float m;
    memcpy(&m, &mb, sizeof m);
    const float e = m - sa;
    y[k] = e * e;
  }
}

typedef struct {
  const float* x;
  float* y;
  float scale;
  float top;
  int64_t n;
} TruncErrorJob;

JQP_CLONES static void trunc_error_part(const void* arg, int part, int parts) {
  const TruncErrorJob* s = (const TruncErrorJob*)arg;
  const int64_t begin = s->n * part / parts;
  const int64_t end = s->n * (part + 1) / parts;
  trunc_error_run(s->x + begin, s->y + begin, end - begin, s->scale, s->top);
}

/*
 * JqpTruncErrorSums: every candidate's error (trunc_error_run) summed per sample, or per sample and
 * channel of the last axis: x is [B, ..., C], y[r][b][c] the sum of sample b's (channel c's) errors
 * at scale r, over one pass of the sample per candidate while it is in cache, instead of a full
 * pass of the batch per candidate and a reduction after it. Sums are kept in double, per channel
 * or (one sum per sample) in 8 lanes added in a fixed order, so they do not depend on the split in
 * threads; they differ from TensorFlow's float reduction of the same errors in the last bits only.
 */
#define ERROR_BLOCK 512

typedef struct {
  const float* x;
  const float* scales;
  float* y;
  int64_t candidates;
  int64_t samples;
  int64_t inner; /* values per sample and channel */
  int64_t channels;
  float top;
} TruncSumsJob;

JQP_CLONES static void trunc_sums_part(const void* arg, int part, int parts) {
  const TruncSumsJob* s = (const TruncSumsJob*)arg;
  const int64_t b0 = s->samples * part / parts;
  const int64_t b1 = s->samples * (part + 1) / parts;
  const int64_t c = s->channels;
  const int64_t per_sample = s->inner * c;
  float errors[ERROR_BLOCK];
  double* acc = c > 1 ? (double*)malloc(sizeof(double) * (size_t)c) : NULL;
  for (int64_t b = b0; b < b1; b++) {
    const float* xb = s->x + b * per_sample;
    for (int64_t r = 0; r < s->candidates; r++) {
      const float sc = s->scales[r];
      float* out = s->y + (r * s->samples + b) * c;
      if (c == 1) {
        double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int64_t i = 0; i < per_sample; i += ERROR_BLOCK) {
          const int64_t len = per_sample - i < ERROR_BLOCK ? per_sample - i : ERROR_BLOCK;
          trunc_error_run(xb + i, errors, len, sc, s->top);
          int64_t k = 0;
          for (; k + 8 <= len; k += 8) {
            for (int l = 0; l < 8; l++) {
              lane[l] += (double)errors[k + l];
            }
          }
          for (int l = 0; k < len; k++, l++) {
            lane[l] += (double)errors[k];
          }
        }
        out[0] = (float)(((lane[0] + lane[1]) + (lane[2] + lane[3])) +
                         ((lane[4] + lane[5]) + (lane[6] + lane[7])));
      } else if (acc == NULL) {
        /* no memory for a row of sums: one channel at a time */
        for (int64_t j = 0; j < c; j++) {
          double sum = 0;
          for (int64_t i = 0; i < per_sample; i += c) {
            trunc_error_run(xb + i + j, errors, 1, sc, s->top);
            sum += (double)errors[0];
          }
          out[j] = (float)sum;
        }
      } else {
        for (int64_t j = 0; j < c; j++) {
          acc[j] = 0;
        }
        for (int64_t i = 0; i < per_sample; i += c) {
          for (int64_t j0 = 0; j0 < c; j0 += ERROR_BLOCK) {
            const int64_t len = c - j0 < ERROR_BLOCK ? c - j0 : ERROR_BLOCK;
            trunc_error_run(xb + i + j0, errors, len, sc, s->top);
            for (int64_t j = 0; j < len; j++) {
              acc[j0 + j] += (double)errors[j];
            }
          }
        }
        for (int64_t j = 0; j < c; j++) {
          out[j] = (float)acc[j];
        }
      }
    }
  }
  free(acc);
}

static void* kernel_create(TF_OpKernelConstruction* ctx, const char* name, int with_range,
                           int with_order, int with_relu) {
  Kernel* k = (Kernel*)calloc(1, sizeof(Kernel));
  k->name = name;
  TF_Status* status = TF_NewStatus();
  int64_t threads = 1;
  if (with_range) {
    TF_OpKernelConstruction_GetAttrFloat(ctx, "lo", &k->lo, status);
    if (TF_GetCode(status) == JQP_TF_OK) {
      TF_OpKernelConstruction_GetAttrFloat(ctx, "hi", &k->hi, status);
    }
  }
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrInt64(ctx, "threads", &threads, status);
  }
  unsigned char tf_pool = 1;
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrBool(ctx, "tf_pool", &tf_pool, status);
  }
  k->tf_pool = tf_pool != 0;
  if (with_order && TF_GetCode(status) == JQP_TF_OK) {
    unsigned char first = 1;
    TF_OpKernelConstruction_GetAttrBool(ctx, "mask_first", &first, status);
    k->mask_first = first != 0;
  }
  if (with_relu && TF_GetCode(status) == JQP_TF_OK) {
    unsigned char relu = 0;
    TF_OpKernelConstruction_GetAttrBool(ctx, "relu", &relu, status);
    k->relu = relu != 0;
  }
  if (with_relu && TF_GetCode(status) == JQP_TF_OK) {
    unsigned char half_even = 0;
    TF_OpKernelConstruction_GetAttrBool(ctx, "half_even", &half_even, status);
    k->half_even = half_even != 0;
  }
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelConstruction_Failure(ctx, status);
  }
  k->threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : (int)threads;
  TF_DeleteStatus(status);
  return k;
}

static void* trunc_quant_create(TF_OpKernelConstruction* ctx) {
  return kernel_create(ctx, "JqpQuant", 1, 0, 1);
}

static void* masked_quant_create(TF_OpKernelConstruction* ctx) {
  return kernel_create(ctx, "JqpMaskedQuant", 1, 1, 1);
}

static void* clip_mask_create(TF_OpKernelConstruction* ctx) {
  return kernel_create(ctx, "JqpClipMaskGrad", 0, 1, 0);
}

static void* clip_relu_create(TF_OpKernelConstruction* ctx) {
  return kernel_create(ctx, "JqpClipReluGrad", 0, 1, 0);
}

static void* mask_create(TF_OpKernelConstruction* ctx) {
  Kernel* k = (Kernel*)kernel_create(ctx, "JqpMask", 0, 0, 0);
  TF_Status* status = TF_NewStatus();
  unsigned char relu = 0;
  TF_OpKernelConstruction_GetAttrBool(ctx, "relu", &relu, status);
  k->relu = relu != 0;
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelConstruction_Failure(ctx, status);
  }
  TF_DeleteStatus(status);
  return k;
}

static void* trunc_error_create(TF_OpKernelConstruction* ctx) {
  Kernel* k = (Kernel*)kernel_create(ctx, "JqpTruncError", 0, 0, 0);
  TF_Status* status = TF_NewStatus();
  TF_OpKernelConstruction_GetAttrFloat(ctx, "scale", &k->scale, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrFloat(ctx, "top", &k->top, status);
  }
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelConstruction_Failure(ctx, status);
  }
  TF_DeleteStatus(status);
  return k;
}

/* per_channel is kept in the kernel's relu field (JqpTruncErrorSums has no ReLU). */
static void* trunc_sums_create(TF_OpKernelConstruction* ctx) {
  Kernel* k = (Kernel*)kernel_create(ctx, "JqpTruncErrorSums", 0, 0, 0);
  TF_Status* status = TF_NewStatus();
  TF_OpKernelConstruction_GetAttrFloat(ctx, "top", &k->top, status);
  unsigned char per_channel = 0;
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrBool(ctx, "per_channel", &per_channel, status);
  }
  k->relu = per_channel != 0;
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelConstruction_Failure(ctx, status);
  }
  TF_DeleteStatus(status);
  return k;
}

static void kernel_delete(void* kernel) { free(kernel); }

/* Fails the kernel with "<its op>: <msg>". */
static void fail(TF_OpKernelContext* ctx, TF_Status* status, const Kernel* k, const char* msg) {
  char text[256];
  snprintf(text, sizeof text, "%s: %s", k->name, msg);
  TF_SetStatus(status, JQP_TF_INVALID_ARGUMENT, text);
  TF_OpKernelContext_Failure(ctx, status);
}

/* Inputs 0..count-1 into in[]; false (the kernel failed) when one is missing. */
static int inputs(TF_OpKernelContext* ctx, TF_Status* status, TF_Tensor** in, int count) {
  for (int i = 0; i < count; i++) {
    TF_GetInput(ctx, i, &in[i], status);
    if (TF_GetCode(status) != JQP_TF_OK) {
      TF_OpKernelContext_Failure(ctx, status);
      return 0;
    }
  }
  return 1;
}

/* Releases the input handles that inputs() took (NULL ones were never taken). */
static void release(TF_Tensor** in, int count) {
  for (int i = 0; i < count; i++) {
    if (in[i] != NULL) {
      TF_DeleteTensor(in[i]);
    }
  }
}

/*
 * Output 0 with input 0's shape, in the buffer of one of inputs 0 .. candidates - 1 (of that shape)
 * where TensorFlow lets it go; NULL on failure. in[i] is this kernel's handle on input i.
 * TensorFlow forwards a buffer only while one reference holds it, and a handle is one: the
 * candidates' handles are released before the output is made and taken again after (then one may
 * share the output's buffer, which the element-wise passes allow: each value is read before the
 * same index is written). Read the candidates' data through in[] only after this call.
 */
static TF_Tensor* like_inputs(TF_OpKernelContext* ctx, TF_Status* status, const Kernel* k,
                              TF_Tensor** in, int candidates) {
  int rank = TF_NumDims(in[0]);
  int64_t dims[16];
  if (rank > 16) {
    fail(ctx, status, k, "more than 16 dimensions");
    return NULL;
  }
  for (int i = 0; i < rank; i++) {
    dims[i] = TF_Dim(in[0], i);
  }
  int inputs[2] = {0, 1};
  for (int i = 0; i < candidates; i++) {
    TF_DeleteTensor(in[i]);
    in[i] = NULL;
  }
  int forwarded = -1;
  TF_Tensor* y =
      TF_ForwardInputOrAllocateOutput(ctx, inputs, candidates, 0, dims, rank, &forwarded, status);
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelContext_Failure(ctx, status);
    return NULL;
  }
  if (stats_on) {
    pthread_mutex_lock(&pool_lock);
    if (forwarded >= 0) {
      st_forwarded++;
    } else {
      st_allocated++;
      st_allocated_bytes += TF_TensorElementCount(y) * (int64_t)sizeof(float);
    }
    pthread_mutex_unlock(&pool_lock);
  }
  for (int i = 0; i < candidates; i++) {
    TF_GetInput(ctx, i, &in[i], status);
    if (TF_GetCode(status) != JQP_TF_OK) {
      TF_DeleteTensor(y);
      TF_OpKernelContext_Failure(ctx, status);
      return NULL;
    }
  }
  return y;
}

/* like_inputs with input 0 the only candidate. */
static TF_Tensor* like_input0(TF_OpKernelContext* ctx, TF_Status* status, const Kernel* k,
                              TF_Tensor** in) {
  return like_inputs(ctx, status, k, in, 1);
}

/* The mask's value count, or 0 (and the kernel failed) when it does not repeat along x. */
static int64_t mask_count(TF_OpKernelContext* ctx, TF_Status* status, const Kernel* k,
                          const TF_Tensor* x, const TF_Tensor* mask) {
  int64_t mn = TF_TensorElementCount(mask);
  int64_t n = TF_TensorElementCount(x);
  int mr = TF_NumDims(mask);
  int xr = TF_NumDims(x);
  int first = 0; /* the mask's leading dimensions of size 1 broadcast too */
  while (first < mr && TF_Dim(mask, first) == 1) {
    first++;
  }
  int ok = mn > 0 && mr - first <= xr;
  for (int i = 1; ok && i <= mr - first; i++) {
    ok = TF_Dim(mask, mr - i) == TF_Dim(x, xr - i);
  }
  if (!ok || (n > 0 && n % mn != 0)) {
    fail(ctx, status, k, "the mask must have x's trailing dimensions");
    return 0;
  }
  return mn;
}

/* Inputs: x, [mask,] scale, unscale. */
static void quant_compute(const Kernel* k, TF_OpKernelContext* ctx, int masked) {
  TF_Status* status = TF_NewStatus();
  TF_Tensor* in[4] = {NULL, NULL, NULL, NULL};
  int count = masked ? 4 : 3;
  TF_Tensor* y = NULL;
  if (!inputs(ctx, status, in, count)) {
    goto done;
  }
  TF_Tensor* mask = masked ? in[1] : NULL;
  TF_Tensor* scale = in[count - 2];
  TF_Tensor* unscale = in[count - 1];
  int rank = TF_NumDims(in[0]);
  int64_t n = TF_TensorElementCount(in[0]);
  int64_t channels = TF_TensorElementCount(scale);
  if (TF_TensorElementCount(unscale) != channels) {
    fail(ctx, status, k, "scale and unscale must have as many values");
    goto done;
  }
  if (channels != 1 && (rank == 0 || TF_Dim(in[0], rank - 1) != channels)) {
    fail(ctx, status, k, "scale must be a scalar or one value per last-axis channel");
    goto done;
  }
  int64_t mn = 1;
  if (masked) {
    mn = mask_count(ctx, status, k, in[0], mask);
    if (mn == 0) {
      goto done;
    }
    if (mn % channels != 0) {
      fail(ctx, status, k, "the mask must cover whole channel rows");
      goto done;
    }
  }
  y = like_input0(ctx, status, k, in);
  if (y == NULL) {
    goto done;
  }
  if (n > 0) {
    QuantJob job = {
        (const float*)TF_TensorData(in[0]),
        (float*)TF_TensorData(y),
        (const float*)TF_TensorData(scale),
        (const float*)TF_TensorData(unscale),
        masked ? (const float*)TF_TensorData(mask) : NULL,
        mn,
        !masked ? NO_MASK : k->mask_first ? MASK_BEFORE : MASK_AFTER,
        k->relu,
        k->half_even,
        k->lo,
        k->hi,
        channels,
        n};
    run_parts(ctx, k->tf_pool, quant_part, &job, parts_for(k->threads, n, channels),
              k->threads);
  }
done:
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  release(in, 4);
  TF_DeleteStatus(status);
}

static void trunc_quant_compute(void* kernel, TF_OpKernelContext* ctx) {
  quant_compute((const Kernel*)kernel, ctx, 0);
}

static void masked_quant_compute(void* kernel, TF_OpKernelContext* ctx) {
  quant_compute((const Kernel*)kernel, ctx, 1);
}

/* Inputs: g, [y (the fused ReLU's output),] mask, lo, hi (scalars). */
static void clip_compute(const Kernel* k, TF_OpKernelContext* ctx, int relu) {
  TF_Status* status = TF_NewStatus();
  TF_Tensor* in[5] = {NULL, NULL, NULL, NULL, NULL};
  TF_Tensor* dx = NULL;
  const int count = relu ? 5 : 4;
  if (!inputs(ctx, status, in, count)) {
    goto done;
  }
  TF_Tensor* y = relu ? in[1] : NULL;
  TF_Tensor* mask = in[count - 3];
  TF_Tensor* lo = in[count - 2];
  TF_Tensor* hi = in[count - 1];
  if (TF_TensorElementCount(lo) != 1 || TF_TensorElementCount(hi) != 1) {
    fail(ctx, status, k, "lo and hi must be scalars");
    goto done;
  }
  int64_t n = TF_TensorElementCount(in[0]);
  if (y != NULL && TF_TensorElementCount(y) != n) {
    fail(ctx, status, k, "y must have g's shape");
    goto done;
  }
  int64_t mn = mask_count(ctx, status, k, in[0], mask);
  if (mn == 0) {
    goto done;
  }
  /* after a fused ReLU, y (the forward pass's output, of g's shape) is a candidate buffer too */
  dx = like_inputs(ctx, status, k, in, relu ? 2 : 1);
  if (dx == NULL) {
    goto done;
  }
  y = relu ? in[1] : NULL;
  if (n > 0) {
    ClipJob job = {
        (const float*)TF_TensorData(in[0]),
        y == NULL ? NULL : (const float*)TF_TensorData(y),
        (float*)TF_TensorData(dx),
        (const float*)TF_TensorData(mask),
        mn,
        k->mask_first,
        *(const float*)TF_TensorData(lo),
        *(const float*)TF_TensorData(hi),
        n};
    run_parts(ctx, k->tf_pool, clip_part, &job, parts_for(k->threads, n, 1), k->threads);
  }
done:
  if (dx != NULL) {
    TF_DeleteTensor(dx);
  }
  release(in, 5);
  TF_DeleteStatus(status);
}

/* Inputs: x, mask. */
static void mask_compute(void* kernel, TF_OpKernelContext* ctx) {
  const Kernel* k = (const Kernel*)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* in[2] = {NULL, NULL};
  TF_Tensor* y = NULL;
  if (!inputs(ctx, status, in, 2)) {
    goto done;
  }
  int64_t n = TF_TensorElementCount(in[0]);
  int64_t mn = mask_count(ctx, status, k, in[0], in[1]);
  if (mn == 0) {
    goto done;
  }
  y = like_input0(ctx, status, k, in);
  if (y == NULL) {
    goto done;
  }
  if (n > 0) {
    MaskJob job = {(const float*)TF_TensorData(in[0]), (float*)TF_TensorData(y),
                   (const float*)TF_TensorData(in[1]), mn, k->relu, n};
    run_parts(ctx, k->tf_pool, mask_part, &job, parts_for(k->threads, n, 1), k->threads);
  }
done:
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  release(in, 2);
  TF_DeleteStatus(status);
}

static void clip_mask_compute(void* kernel, TF_OpKernelContext* ctx) {
  clip_compute((const Kernel*)kernel, ctx, 0);
}

static void clip_relu_compute(void* kernel, TF_OpKernelContext* ctx) {
  clip_compute((const Kernel*)kernel, ctx, 1);
}

/* Input: x. */
static void trunc_error_compute(void* kernel, TF_OpKernelContext* ctx) {
  const Kernel* k = (const Kernel*)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* x = NULL;
  TF_Tensor* y = NULL;
  if (!inputs(ctx, status, &x, 1)) {
    goto done;
  }
  y = like_input0(ctx, status, k, &x);
  if (y == NULL) {
    goto done;
  }
  int64_t n = TF_TensorElementCount(x);
  if (n > 0) {
    TruncErrorJob job = {(const float*)TF_TensorData(x), (float*)TF_TensorData(y), k->scale, k->top,
                         n};
    run_parts(ctx, k->tf_pool, trunc_error_part, &job, parts_for(k->threads, n, 1), k->threads);
  }
done:
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  if (x != NULL) {
    TF_DeleteTensor(x);
  }
  TF_DeleteStatus(status);
}

/* Inputs: x [B, ...], scales [R]; attrs top, per_channel. Output [R, B] or [R, B, C]. */
static void trunc_sums_compute(void* kernel, TF_OpKernelContext* ctx) {
  const Kernel* k = (const Kernel*)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* in[2] = {NULL, NULL};
  TF_Tensor* y = NULL;
  if (!inputs(ctx, status, in, 2)) {
    goto done;
  }
  int rank = TF_NumDims(in[0]);
  if (rank < (k->relu ? 2 : 1)) {
    fail(ctx, status, k, k->relu ? "x must have a batch and a channel axis" : "x must have a batch axis");
    goto done;
  }
  int64_t samples = TF_Dim(in[0], 0);
  int64_t channels = k->relu ? TF_Dim(in[0], rank - 1) : 1;
  int64_t n = TF_TensorElementCount(in[0]);
  int64_t r = TF_TensorElementCount(in[1]);
  int64_t inner = samples * channels == 0 ? 0 : n / (samples * channels);
  int64_t dims[3] = {r, samples, channels};
  y = TF_AllocateOutput(ctx, 0, JQP_TF_FLOAT, dims, k->relu ? 3 : 2,
                        sizeof(float) * (size_t)(r * samples * channels), status);
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelContext_Failure(ctx, status);
    goto done;
  }
  if (r * samples * channels > 0) {
    TruncSumsJob job = {(const float*)TF_TensorData(in[0]), (const float*)TF_TensorData(in[1]),
                        (float*)TF_TensorData(y), r, samples, inner, channels, k->top};
    run_parts(ctx, k->tf_pool, trunc_sums_part, &job, parts_for(k->threads, n, n / samples),
              k->threads);
  }
done:
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  release(in, 2);
  TF_DeleteStatus(status);
}

/*
 * JqpKeepLargest. The order is TensorFlow's TopK's: larger values first, equal values (+0 and -0
 * among them) by lower index. Values become int32 keys with the same order (a float's bits, the
 * negative ones reflected; -0 taken as +0), NaN the largest key of all: TopK has no order for NaN,
 * and a NaN importance means the run has diverged, which the step's finiteness check reports.
 */
static inline int32_t order_key(float v) {
  if (v != v) {
    return INT32_MAX;
  }
  if (v == 0.0f) {
    return 0;
  }
  int32_t b;
  memcpy(&b, &v, sizeof b);
  return b >= 0 ? b : (int32_t)(b ^ INT32_MAX);
}

static int key_ascending(const void* a, const void* b) {
  int32_t x = *(const int32_t*)a;
  int32_t y = *(const int32_t*)b;
  return (x > y) - (x < y);
}

/*
 * The key of rank r (0-based, ascending) among a[0..n), a reordered: quickselect with a
 * three-way partition (equal keys, as in a pruned layer's zeros, end a round at once) and the
 * median of three as pivot; after 2·log2(n) + 8 rounds without an end it sorts what is left, so
 * no input costs more than O(n log n).
 */
static int32_t select_rank(int32_t* a, int64_t n, int64_t r) {
  int64_t lo = 0;
  int64_t hi = n; /* the rank lies in [lo, hi) */
  int budget = 8;
  for (int64_t m = n; m > 1; m >>= 1) {
    budget += 2;
  }
  while (hi - lo > 1) {
    if (budget-- == 0) {
      qsort(a + lo, (size_t)(hi - lo), sizeof(int32_t), key_ascending);
      return a[r];
    }
    int32_t p0 = a[lo];
    int32_t p1 = a[lo + (hi - lo) / 2];
    int32_t p2 = a[hi - 1];
    int32_t pivot = p0 < p1 ? (p1 < p2 ? p1 : (p0 < p2 ? p2 : p0)) : (p0 < p2 ? p0 : (p1 < p2 ? p2 : p1));
    /* [lo, lt) < pivot, [lt, i) == pivot, (gt, hi) > pivot */
    int64_t lt = lo;
    int64_t i = lo;
    int64_t gt = hi - 1;
    while (i <= gt) {
      int32_t v = a[i];
      if (v < pivot) {
        a[i] = a[lt];
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt] = v;
        gt--;
      } else {
        i++;
      }
    }
    if (r < lt) {
      hi = lt;
    } else if (r > gt) {
      lo = gt + 1;
    } else {
      return pivot;
    }
  }
  return a[r];
}

/* Inputs: x, k (an int32 scalar, clamped to [0, n]). */
static void keep_largest_compute(void* kernel, TF_OpKernelContext* ctx) {
  const Kernel* k = (const Kernel*)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* in[2] = {NULL, NULL};
  TF_Tensor* y = NULL;
  int32_t* keys = NULL;
  if (!inputs(ctx, status, in, 2)) {
    goto done;
  }
  if (TF_TensorElementCount(in[1]) != 1) {
    fail(ctx, status, k, "k must be one value");
    goto done;
  }
  int64_t n = TF_TensorElementCount(in[0]);
  int64_t keep = *(const int32_t*)TF_TensorData(in[1]);
  keep = keep < 0 ? 0 : keep > n ? n : keep;
  const float* x = (const float*)TF_TensorData(in[0]);
  keys = n > 0 ? (int32_t*)malloc((size_t)n * 2 * sizeof(int32_t)) : NULL;
  if (n > 0 && keys == NULL) {
    fail(ctx, status, k, "out of memory");
    goto done;
  }
  for (int64_t i = 0; i < n; i++) {
    keys[i] = order_key(x[i]);
  }
  /* y may take x's buffer: from here on only the keys are read */
  y = like_input0(ctx, status, k, in);
  if (y == NULL) {
    goto done;
  }
  float* out = (float*)TF_TensorData(y);
  if (keep == 0 || keep == n) {
    for (int64_t i = 0; i < n; i++) {
      out[i] = keep == 0 ? 0.0f : 1.0f;
    }
    goto done;
  }
  int32_t* scratch = keys + n;
  memcpy(scratch, keys, (size_t)n * sizeof(int32_t));
  int32_t kth = select_rank(scratch, n, n - keep); /* the keep-th largest */
  int64_t above = 0;
  for (int64_t i = 0; i < n; i++) {
    above += keys[i] > kth;
  }
  int64_t ties = keep - above; /* of the keys equal to kth, the first ones by index stay */
  for (int64_t i = 0; i < n; i++) {
    int32_t v = keys[i];
    int stays = v > kth || (v == kth && ties > 0);
    ties -= v == kth && ties > 0;
    out[i] = stays ? 1.0f : 0.0f;
  }
done:
  free(keys);
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  release(in, 2);
  TF_DeleteStatus(status);
}

static void* keep_largest_create(TF_OpKernelConstruction* ctx) {
  return kernel_create(ctx, "JqpKeepLargest", 0, 0, 0);
}

static void same_shape_as_x(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeHandle* h = TF_NewShapeHandle();
  TF_ShapeInferenceContextGetInput(ctx, 0, h, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_ShapeInferenceContextSetOutput(ctx, 0, h, status);
  }
  TF_DeleteShapeHandle(h);
}

static void unknown_shape(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

static int register_op_shaped(const char* name, const char* const* ins, const char* const* attrs,
                              void* (*create)(TF_OpKernelConstruction*),
                              void (*compute)(void*, TF_OpKernelContext*), const char* kernel_name,
                              void (*shape)(TF_ShapeInferenceContext*, TF_Status*)) {
  TF_Status* status = TF_NewStatus();
  TF_OpDefinitionBuilder* op = TF_NewOpDefinitionBuilder(name);
  for (int i = 0; ins[i] != NULL; i++) {
    TF_OpDefinitionBuilderAddInput(op, ins[i]);
  }
  TF_OpDefinitionBuilderAddOutput(op, "y: float");
  for (int i = 0; attrs[i] != NULL; i++) {
    TF_OpDefinitionBuilderAddAttr(op, attrs[i]);
  }
  TF_OpDefinitionBuilderSetShapeInferenceFunction(op, shape);
  TF_RegisterOpDefinition(op, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_KernelBuilder* b = TF_NewKernelBuilder(name, "CPU", create, compute, kernel_delete);
    TF_RegisterKernelBuilder(kernel_name, b, status);
  }
  int ok = TF_GetCode(status) == JQP_TF_OK;
  TF_DeleteStatus(status);
  return ok;
}

static int register_op(const char* name, const char* const* ins, const char* const* attrs,
                       void* (*create)(TF_OpKernelConstruction*),
                       void (*compute)(void*, TF_OpKernelContext*), const char* kernel_name) {
  return register_op_shaped(name, ins, attrs, create, compute, kernel_name, same_shape_as_x);
}

/*
 * JqpTfPool: a float scalar, 1 where jqp's kernels run their parts on TensorFlow's intra-op
 * threads in this process (jqp_tfpool.cc built, TensorFlow's pool found), else 0 (jqp's own pool).
 */
static void* tf_pool_create(TF_OpKernelConstruction* ctx) {
  (void)ctx;
  return calloc(1, sizeof(Kernel));
}

static void tf_pool_compute(void* kernel, TF_OpKernelContext* ctx) {
  (void)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* y = TF_AllocateOutput(ctx, 0, JQP_TF_FLOAT, NULL, 0, sizeof(float), status);
  if (TF_GetCode(status) == JQP_TF_OK) {
#if defined(JQP_TF_POOL)
    *(float*)TF_TensorData(y) = (float)jqp_tf_pool_found(ctx);
#else
    *(float*)TF_TensorData(y) = 0.0f;
#endif
  } else {
    TF_OpKernelContext_Failure(ctx, status);
  }
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  TF_DeleteStatus(status);
}

/* Registers the ops and their CPU kernels when TensorFlow loads the library (TF_LoadLibrary). */
__attribute__((constructor)) static void jqp_register(void) {
  const char* stats = getenv("JQP_POOL_STATS");
  if (stats != NULL && stats[0] != '\0' && strcmp(stats, "0") != 0) {
    stats_on = 1;
    atexit(stats_report);
  }
  static const char* const quant_in[] = {"x: float", "scale: float", "unscale: float", NULL};
  static const char* const quant_attrs[] = {
      "lo: float", "hi: float", "threads: int = 1", "tf_pool: bool = true",
      "relu: bool = false", "half_even: bool = false", NULL};
  static const char* const masked_in[] = {
      "x: float", "mask: float", "scale: float", "unscale: float", NULL};
  static const char* const masked_attrs[] = {
      "lo: float", "hi: float", "threads: int = 1", "tf_pool: bool = true",
      "mask_first: bool = true", "relu: bool = false", "half_even: bool = false", NULL};
  static const char* const clip_in[] = {"x: float", "mask: float", "lo: float", "hi: float", NULL};
  static const char* const clip_relu_in[] = {
      "x: float", "fwd: float", "mask: float", "lo: float", "hi: float", NULL};
  static const char* const clip_attrs[] = {"threads: int = 1", "tf_pool: bool = true",
                                           "mask_first: bool = true", NULL};
  register_op("JqpQuant", quant_in, quant_attrs, trunc_quant_create, trunc_quant_compute,
              "JqpQuantCpu");
  register_op("JqpMaskedQuant", masked_in, masked_attrs, masked_quant_create,
              masked_quant_compute, "JqpMaskedQuantCpu");
  register_op("JqpClipMaskGrad", clip_in, clip_attrs, clip_mask_create, clip_mask_compute,
              "JqpClipMaskGradCpu");
  register_op("JqpClipReluGrad", clip_relu_in, clip_attrs, clip_relu_create, clip_relu_compute,
              "JqpClipReluGradCpu");
  static const char* const mask_in[] = {"x: float", "mask: float", NULL};
  static const char* const mask_attrs[] = {"threads: int = 1", "tf_pool: bool = true",
                                           "relu: bool = false", NULL};
  register_op("JqpMask", mask_in, mask_attrs, mask_create, mask_compute, "JqpMaskCpu");
  static const char* const error_in[] = {"x: float", NULL};
  static const char* const error_attrs[] = {"scale: float", "top: float", "threads: int = 1",
                                            "tf_pool: bool = true", NULL};
  register_op("JqpTruncError", error_in, error_attrs, trunc_error_create, trunc_error_compute,
              "JqpTruncErrorCpu");
  static const char* const sums_in[] = {"x: float", "scales: float", NULL};
  static const char* const sums_attrs[] = {"top: float", "per_channel: bool = false",
                                           "threads: int = 1", "tf_pool: bool = true", NULL};
  register_op_shaped("JqpTruncErrorSums", sums_in, sums_attrs, trunc_sums_create,
                     trunc_sums_compute, "JqpTruncErrorSumsCpu", unknown_shape);
  static const char* const keep_in[] = {"x: float", "k: int32", NULL};
  static const char* const keep_attrs[] = {"threads: int = 1", "tf_pool: bool = true", NULL};
  register_op("JqpKeepLargest", keep_in, keep_attrs, keep_largest_create, keep_largest_compute,
              "JqpKeepLargestCpu");
  static const char* const none[] = {NULL};
  register_op_shaped("JqpTfPool", none, none, tf_pool_create, tf_pool_compute, "JqpTfPoolCpu",
                     unknown_shape);
}
