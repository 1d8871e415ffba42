using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>
/// Featurizing (and anomaly-scoring) a lazily synthesised data view of N rows runs in bounded memory.
/// CI: N = 50 000 (featurizer) and 20 000 (anomaly detector); <c>VAE_STREAM_ROWS=1000000</c> for the full run.
/// </summary>
[Trait("Category", "Load")]
[Collection(MeasuredCollection.Name)]
public sealed class StreamingTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly MLContext _ml = new(seed: 1);
    private readonly VaeModel _model = VaeModel.Load(Data.ContractVae);

    public StreamingTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _model.Dispose();

    private static long Rows(long ciDefault) => long.TryParse(Environment.GetEnvironmentVariable("VAE_STREAM_ROWS"), out long n) && n > 0 ? n : ciDefault;

    /// <summary>Reads <paramref name="column"/> of every row, sampling the working set; returns (rows, checksum).</summary>
    private void Stream(string what, IDataView output, string column, long rows)
    {
        var col = output.Schema[column];
        using var self = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        long read = 0, baseline = 0, highest = 0;
        double checksum = 0;
        using (var cursor = output.GetRowCursor([col]))
        {
            bool vector = col.Type is VectorDataViewType;
            var getVector = vector ? cursor.GetGetter<VBuffer<float>>(col) : null;
            var getScalar = vector ? null : cursor.GetGetter<float>(col);
            VBuffer<float> buffer = default;
            float scalar = 0;
            while (cursor.MoveNext())
            {
                if (getVector != null) { getVector(ref buffer); checksum += buffer.GetValues()[0]; }
                else { getScalar!(ref scalar); checksum += scalar; }
                Assert.True(double.IsFinite(checksum), $"{what}: non-finite value at row {read}");
                if (++read % 10_000 == 0)
                {
                    self.Refresh();
                    if (read == 10_000) baseline = self.WorkingSet64;
                    highest = Math.Max(highest, self.WorkingSet64);
                }
            }
        }
        self.Refresh();
        Assert.Equal(rows, read);
        long growthMb = (highest - baseline) >> 20;
        _output.WriteLine($"{what}: {read} rows in {clock.Elapsed.TotalSeconds:F1} s ({read / clock.Elapsed.TotalSeconds:F0} rows/s); working set at 10k rows " +
            $"{baseline >> 20} MB, highest sampled {highest >> 20} MB (+{growthMb} MB), process peak {self.PeakWorkingSet64 >> 20} MB");
        Assert.True(growthMb < 300, $"{what}: working set grew {growthMb} MB after the first 10 000 rows");
        Assert.True(self.PeakWorkingSet64 < 1_500L << 20, $"{what}: peak working set {self.PeakWorkingSet64 >> 20} MB");
    }

    [Fact]
    public void Featurizing_a_lazily_generated_view_runs_in_bounded_memory()
    {
        long rows = Rows(50_000);
        var source = new SyntheticPixelDataView(rows);
        var options = new VaeFeaturizerOptions { InputColumnName = "Image", MuColumnName = "Mu", SigmaColumnName = "Sigma", ReconstructionErrorColumnName = "Error" };
        using var transformer = _ml.Transforms.VaeFeaturize(options, _model).Fit(Data.Pixels(_ml, 0, 16));
        Stream("featurizer", transformer.Transform(source), "Mu", rows);
    }

    [Fact]
    public void Anomaly_scoring_a_lazily_generated_view_runs_in_bounded_memory()
    {
        long rows = Rows(20_000);
        var source = new SyntheticPixelDataView(rows);
        var options = new VaeAnomalyDetectorOptions { InputColumnName = "Image", ScoreKind = VaeAnomalyScoreKind.NegativeElbo };
        using var detector = _ml.AnomalyDetection.Trainers.Vae(options, _model).Fit(Data.Pixels(_ml, 0, 300));
        Stream("anomaly detector", detector.Transform(source), "Score", rows);
    }
}
