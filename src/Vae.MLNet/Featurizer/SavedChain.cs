using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>The chain of ML.NET built-ins a featurizer saves as (see VaeFeaturizerTransformer.Save).</summary>
internal sealed class SavedChain : IDisposable
{
    private SavedChain(ITransformer transformer) => Transformer = transformer;

    public ITransformer Transformer { get; }

    public static SavedChain Build(MLContext ml, VaeFeaturizerTransformer featurizer, DataViewSchema inputSchema) =>
        throw new NotSupportedException("Saving is being implemented.");

    public static VaeFeaturizerTransformer LoadFast(MLContext ml, string path) =>
        throw new NotSupportedException("LoadFast is being implemented.");

    public void Dispose() => (Transformer as IDisposable)?.Dispose();
}
