// A tiny Google Benchmark program: complexity, counters, threads, templates, manual time, units, an error.
// The gbench-1.7.1-*.json files beside were written by it with Debian 12's libbenchmark-dev 1.7.1:
//   g++ -O2 gbench_variants.cc -o bench -lbenchmark -lpthread
//   ./bench --benchmark_min_time=0.01 --benchmark_out=gbench-1.7.1-variants.json --benchmark_out_format=json
//   ./bench --benchmark_min_time=0.005 --benchmark_repetitions=3 --benchmark_filter='BM_Sum|BM_Fill<int>|BM_Error' \
//       --benchmark_out=gbench-1.7.1-repetitions.json --benchmark_out_format=json
//   (the same with --benchmark_report_aggregates_only=true: gbench-1.7.1-aggregates-only.json)
#include <benchmark/benchmark.h>
#include <algorithm>
#include <chrono>
#include <numeric>
#include <vector>

static void BM_Sum(benchmark::State& state) {
  std::vector<int> v(state.range(0));
  std::iota(v.begin(), v.end(), 0);
  for (auto _ : state) benchmark::DoNotOptimize(std::accumulate(v.begin(), v.end(), 0L));
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0) * sizeof(int));
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sum)->RangeMultiplier(8)->Range(64, 4096)->Complexity(benchmark::oN);

template <typename T> static void BM_Fill(benchmark::State& state) {
  for (auto _ : state) { std::vector<T> v(256); benchmark::DoNotOptimize(v.data()); }
}
BENCHMARK_TEMPLATE(BM_Fill, int)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_Fill, double)->Unit(benchmark::kMillisecond);

static void BM_Threads(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.thread_index());
}
BENCHMARK(BM_Threads)->Threads(1)->Threads(2);

static void BM_Manual(benchmark::State& state) {
  for (auto _ : state) {
    auto start = std::chrono::high_resolution_clock::now();
    benchmark::DoNotOptimize(start);
    auto end = std::chrono::high_resolution_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
  }
}
BENCHMARK(BM_Manual)->UseManualTime()->Unit(benchmark::kSecond);

static void BM_Error(benchmark::State& state) {
  for (auto _ : state) { state.SkipWithError("resource unavailable"); break; }
}
BENCHMARK(BM_Error);

static void BM_Counter(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
  state.counters["widgets"] = 3;
}
BENCHMARK(BM_Counter);

BENCHMARK_MAIN();
