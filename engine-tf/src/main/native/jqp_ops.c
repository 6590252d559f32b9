/*
 * jqp's own TensorFlow kernel: the fixed-point quantizer with truncation toward zero (SPEC §1) in
 * one pass, registered through TensorFlow's C kernel and op API (tensorflow/c/kernels.h, ops.h).
 *
 * TensorFlow ships fused fake-quantization kernels only for rounding to nearest; truncation is a
 * chain of five element-wise kernels (scale, clip, float -> int32, int32 -> float, rescale), each a
 * full pass over the activations. JqpTruncQuant does the same arithmetic per value in one pass:
 *
 *   y = (float)(int32)min(max(x * scale, lo), hi) * unscale
 *
 * with scale = 2^d and unscale = 2^-d given as tensors (a scalar, or one per channel of the last
 * axis), so every product and the conversion are the ones the chain computes, value for value.
 *
 * The library declares the few C API functions it calls (their signatures are TensorFlow's stable
 * C API) and takes them from libtensorflow_framework.so.2, which TensorFlow Java has loaded before
 * it loads this library (build.sh links against a stub of that name, so only the name is needed).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/* Values per thread below which a second thread costs more than it saves. */
#define MIN_PER_THREAD (1 << 16)
#define MAX_THREADS 64

typedef struct {
  float lo;
  float hi;
  int threads;
} Kernel;

typedef struct {
  const float* x;
  float* y;
  const float* scale;
  const float* unscale;
  float lo;
  float hi;
  int64_t channels; /* 1: one scale for all values */
  int64_t begin;    /* in values; a multiple of channels */
  int64_t end;
} Slice;

static void run_slice(const Slice* s) {
  const float* x = s->x;
  float* y = s->y;
  const float lo = s->lo;
  const float hi = s->hi;
  if (s->channels == 1) {
    const float sc = s->scale[0];
    const float us = s->unscale[0];
    for (int64_t i = s->begin; i < s->end; i++) {
      float v = x[i] * sc;
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      y[i] = (float)(int32_t)v * us;
    }
    return;
  }
  const int64_t c = s->channels;
  for (int64_t row = s->begin; row < s->end; row += c) {
    for (int64_t j = 0; j < c; j++) {
      float v = x[row + j] * s->scale[j];
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      y[row + j] = (float)(int32_t)v * s->unscale[j];
    }
  }
}

static void* run_slice_thread(void* arg) {
  run_slice((const Slice*)arg);
  return NULL;
}

static void* trunc_quant_create(TF_OpKernelConstruction* ctx) {
  Kernel* k = (Kernel*)calloc(1, sizeof(Kernel));
  TF_Status* status = TF_NewStatus();
  int64_t threads = 1;
  TF_OpKernelConstruction_GetAttrFloat(ctx, "lo", &k->lo, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrFloat(ctx, "hi", &k->hi, status);
  }
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_OpKernelConstruction_GetAttrInt64(ctx, "threads", &threads, status);
  }
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelConstruction_Failure(ctx, status);
  }
  k->threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : (int)threads;
  TF_DeleteStatus(status);
  return k;
}

static void trunc_quant_delete(void* kernel) { free(kernel); }

static void fail(TF_OpKernelContext* ctx, TF_Status* status, const char* msg) {
  TF_SetStatus(status, JQP_TF_INVALID_ARGUMENT, msg);
  TF_OpKernelContext_Failure(ctx, status);
}

static void trunc_quant_compute(void* kernel, TF_OpKernelContext* ctx) {
  const Kernel* k = (const Kernel*)kernel;
  TF_Status* status = TF_NewStatus();
  TF_Tensor* x = NULL;
  TF_Tensor* scale = NULL;
  TF_Tensor* unscale = NULL;
  TF_Tensor* y = NULL;
  TF_GetInput(ctx, 0, &x, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_GetInput(ctx, 1, &scale, status);
  }
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_GetInput(ctx, 2, &unscale, status);
  }
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelContext_Failure(ctx, status);
    goto done;
  }
  int rank = TF_NumDims(x);
  int64_t n = TF_TensorElementCount(x);
  int64_t channels = TF_TensorElementCount(scale);
  if (TF_TensorElementCount(unscale) != channels) {
    fail(ctx, status, "JqpTruncQuant: scale and unscale must have as many values");
    goto done;
  }
  if (channels != 1 && (rank == 0 || TF_Dim(x, rank - 1) != channels)) {
    fail(ctx, status, "JqpTruncQuant: scale must be a scalar or one value per last-axis channel");
    goto done;
  }
  int64_t dims[16];
  if (rank > 16) {
    fail(ctx, status, "JqpTruncQuant: more than 16 dimensions");
    goto done;
  }
  for (int i = 0; i < rank; i++) {
    dims[i] = TF_Dim(x, i);
  }
  int input = 0;
  int forwarded = -1;
  y = TF_ForwardInputOrAllocateOutput(ctx, &input, 1, 0, dims, rank, &forwarded, status);
  if (TF_GetCode(status) != JQP_TF_OK) {
    TF_OpKernelContext_Failure(ctx, status);
    goto done;
  }
  if (n > 0) {
    Slice base = {
        (const float*)TF_TensorData(x),
        (float*)TF_TensorData(y),
        (const float*)TF_TensorData(scale),
        (const float*)TF_TensorData(unscale),
        k->lo,
        k->hi,
        channels,
        0,
        n};
    int64_t rows = n / channels;
    int parts = k->threads;
    if ((int64_t)parts > n / MIN_PER_THREAD) {
      parts = (int)(n / MIN_PER_THREAD);
    }
    if ((int64_t)parts > rows) {
      parts = (int)rows;
    }
    if (parts <= 1) {
      run_slice(&base);
    } else {
      Slice slices[MAX_THREADS];
      pthread_t ids[MAX_THREADS];
      int started[MAX_THREADS];
      for (int p = 0; p < parts; p++) {
        slices[p] = base;
        slices[p].begin = rows * p / parts * channels;
        slices[p].end = rows * (p + 1) / parts * channels;
        started[p] = 0;
      }
      for (int p = 1; p < parts; p++) {
        started[p] = pthread_create(&ids[p], NULL, run_slice_thread, &slices[p]) == 0;
        if (!started[p]) {
          run_slice(&slices[p]);
        }
      }
      run_slice(&slices[0]);
      for (int p = 1; p < parts; p++) {
        if (started[p]) {
          pthread_join(ids[p], NULL);
        }
      }
    }
  }
done:
  if (y != NULL) {
    TF_DeleteTensor(y);
  }
  if (x != NULL) {
    TF_DeleteTensor(x);
  }
  if (scale != NULL) {
    TF_DeleteTensor(scale);
  }
  if (unscale != NULL) {
    TF_DeleteTensor(unscale);
  }
  TF_DeleteStatus(status);
}

static void same_shape_as_x(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeHandle* h = TF_NewShapeHandle();
  TF_ShapeInferenceContextGetInput(ctx, 0, h, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_ShapeInferenceContextSetOutput(ctx, 0, h, status);
  }
  TF_DeleteShapeHandle(h);
}

/* Registers the op and its CPU kernel when TensorFlow loads the library (TF_LoadLibrary). */
__attribute__((constructor)) static void jqp_register(void) {
  TF_Status* status = TF_NewStatus();
  TF_OpDefinitionBuilder* op = TF_NewOpDefinitionBuilder("JqpTruncQuant");
  TF_OpDefinitionBuilderAddInput(op, "x: float");
  TF_OpDefinitionBuilderAddInput(op, "scale: float");
  TF_OpDefinitionBuilderAddInput(op, "unscale: float");
  TF_OpDefinitionBuilderAddOutput(op, "y: float");
  TF_OpDefinitionBuilderAddAttr(op, "lo: float");
  TF_OpDefinitionBuilderAddAttr(op, "hi: float");
  TF_OpDefinitionBuilderAddAttr(op, "threads: int = 1");
  TF_OpDefinitionBuilderSetShapeInferenceFunction(op, same_shape_as_x);
  TF_RegisterOpDefinition(op, status);
  if (TF_GetCode(status) == JQP_TF_OK) {
    TF_KernelBuilder* b = TF_NewKernelBuilder(
        "JqpTruncQuant", "CPU", trunc_quant_create, trunc_quant_compute, trunc_quant_delete);
    TF_RegisterKernelBuilder("JqpTruncQuantCpu", b, status);
  }
  TF_DeleteStatus(status);
}
