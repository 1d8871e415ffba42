namespace Vae.MLNet.Onnx;

/// <summary>
/// The post-processing both scoring paths append to a model's graph — the in-process session
/// (<see cref="VaeSession"/>) and the featurizer's saved chain (<c>FeaturizerGraph</c>) — so ONNX Runtime
/// computes every featurizer column by the same nodes in both: μ, log σ², σ and KL (derived from what a
/// foreign encoder's mapping names), the reconstruction divergence and the per-pixel error terms. Each
/// tensor is added on first use, once; formulas come from <see cref="VaeFormulas"/>.
/// </summary>
internal sealed class VaeOutputNodes
{
    private readonly OnnxGraphBuilder _b;
    private readonly VaeModel _model;
    private readonly string _prefix;
    private readonly string _modelInput;
    private readonly Dictionary<string, int> _outputRanks;
    private string? _mu, _logVar, _sigma, _kl, _divergence, _errorTerms;

    /// <param name="builder">Extends the model's graph.</param>
    /// <param name="model">Layout and likelihood of the model.</param>
    /// <param name="modelPrefix">Prefix the model's own tensor names carry in this graph ("" when not renamed).</param>
    /// <param name="modelInput">The image tensor as the model sees it (after any sanitising).</param>
    /// <param name="outputRanks">Rank of each of the model's graph outputs, by (prefixed) name.</param>
    public VaeOutputNodes(OnnxGraphBuilder builder, VaeModel model, string modelPrefix, string modelInput, IReadOnlyDictionary<string, int> outputRanks)
    {
        _b = builder;
        _model = model;
        _prefix = modelPrefix;
        _modelInput = modelInput;
        _outputRanks = new Dictionary<string, int>(outputRanks, StringComparer.Ordinal);
    }

    private VaeOutputMapping? Mapping => _model.Layout.Mapping;

    /// <summary>μ, [N, k].</summary>
    public string Mu
    {
        get
        {
            if (_mu != null) return _mu;
            if (Mapping == null) return _mu = Flat(VaeContract.Mu);
            if (Mapping.MomentsOutput != null) return _mu = MomentsHalf(0);
            return _mu = Flat(Mapping.MuOutput!);
        }
    }

    /// <summary>log σ², [N, k].</summary>
    public string LogVar
    {
        get
        {
            if (_logVar != null) return _logVar;
            if (Mapping == null) return _logVar = Flat(VaeContract.LogVar);
            if (Mapping.MomentsOutput != null) return _logVar = MomentsHalf(1);
            return _logVar = VaeFormulas.LogVarFromSpread(_b, Flat(Mapping.SpreadOutput!), Mapping.SpreadKind);
        }
    }

    /// <summary>σ, [N, k].</summary>
    public string Sigma => _sigma ??= Mapping == null ? Flat(VaeContract.Sigma) : VaeFormulas.Sigma(_b, LogVar);

    /// <summary>KL to the model's prior, [N] (a contract model's own <c>kl</c>, which may be a mixture prior's).</summary>
    public string Kl => _kl ??= Mapping == null ? _prefix + VaeContract.Kl : VaeFormulas.Kl(_b, Mu, LogVar);

    /// <summary>The reconstruction for z = μ, as the model outputs it.</summary>
    public string Reconstruction => _prefix + DecoderOutput(VaeContract.Reconstruction);

    /// <summary>−log p(x|x̂), [N].</summary>
    public string ReconstructionError => _prefix + DecoderOutput(VaeContract.ReconstructionError);

    /// <summary>The reconstruction divergence, [N]; throws naming the metadata when the model states no likelihood.</summary>
    public string ReconstructionDivergence =>
        _divergence ??= VaeFormulas.Divergence(_b, ReconstructionError, _modelInput, _model.ReconstructionFloor);

    /// <summary>
    /// The per-pixel terms of −log p(x|x̂), shaped as the model's input, recomputed from the reconstruction
    /// (the model's error itself comes from its logits, which the contract does not expose).
    /// </summary>
    public string ReconstructionErrorTerms
    {
        get
        {
            if (_errorTerms != null) return _errorTerms;
            var likelihood = _model.Likelihood
                ?? throw new InvalidDataException($"'{_model.Source}' does not state its likelihood ({VaeContract.Metadata.Likelihood}); the per-pixel error is undefined.");
            double[]? scales = likelihood == VaeLikelihood.Bernoulli ? null : _model.LikelihoodScales();
            long[] inputShape = InputShape();
            string reconstruction = _b.AddNode("Reshape", [Reconstruction, _b.AddInitializer("input_shape", inputShape, inputShape.Length)], "reconstruction_as_input");
            string decoderOutput = VaeFormulas.DecoderOutputFromMean(_b, reconstruction, likelihood, scales, _model.PixelCount);
            return _errorTerms = VaeFormulas.ReconstructionErrorTerms(_b, _modelInput, decoderOutput, likelihood, scales, _model.PixelCount);
        }
    }

    private long[] InputShape()
    {
        var l = _model.Layout;
        return l.InputRank == 4 ? [-1, l.Channels, l.Height, l.Width] : [-1, l.PixelCount];
    }

    private string DecoderOutput(string name)
    {
        if (Mapping != null)
            throw new InvalidOperationException($"'{_model.Source}' is an encoder without decoder; it has no {name}.");
        return name;
    }

    /// <summary>A model output as [N, rest]: itself when it already has rank 2.</summary>
    private string Flat(string modelOutput)
    {
        string name = _prefix + modelOutput;
        return _outputRanks.TryGetValue(name, out int rank) && rank == 2 ? name : VaeFormulas.Flatten(_b, name, "flat");
    }

    // Axis 1 of [N, 2k, …] is the outermost axis inside a row, so μ is the first half of each flattened row.
    private string MomentsHalf(int half)
    {
        int k = _model.LatentDim;
        string flat = Flat(Mapping!.MomentsOutput!);
        long start = half * (long)k, end = start + k;
        string output = half == 0 ? "mu" : "logvar";
        if (_b.Opset >= 10)
            return _b.AddNode("Slice", [flat, _b.AddInitializer("start", new[] { start }, 1), _b.AddInitializer("end", new[] { end }, 1),
                _b.AddInitializer("axis", new long[] { 1 }, 1)], output);
        // Before opset 10 Slice takes its bounds as attributes.
        return _b.AddNode("Slice", [flat], output, OnnxAttribute.Ints("starts", start), OnnxAttribute.Ints("ends", end), OnnxAttribute.Ints("axes", 1));
    }
}
