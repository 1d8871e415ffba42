using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Vae.MLNet;

/// <summary>
/// Builds ML.NET's own <see cref="BinaryPredictionTransformer{TModel}"/> over a linear model with weights
/// exactly 1 and bias exactly 0: it turns the score vector (one or two slots) into the scalar Single
/// <c>Score</c> = their sum and the Boolean <c>PredictedLabel</c> = Score &gt; threshold, and saves and
/// loads as a built-in. Why: ML.NET can neither read a rank-0 ONNX output as a scalar column nor build a
/// linear model from given weights (the constructors are internal), so the model is trained — one
/// Pegasos step of <see cref="LinearSvmTrainer"/> on the single example x = (1, …, 1), label true, with
/// λ = 2⁻³⁰ (so 1 + λ rounds to 1 in float) and no bias, sets w = x exactly. The weights are checked.
/// </summary>
internal static class IdentityThresholdScorer
{
    public static BinaryPredictionTransformer<LinearBinaryModelParameters> Create(MLContext ml, string featureColumn, int width, float threshold)
    {
        var example = new[] { new OneExample { Features = Enumerable.Repeat(1f, width).ToArray(), Label = true } };
        var schema = SchemaDefinition.Create(typeof(OneExample));
        var features = schema[nameof(OneExample.Features)];
        features.ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        features.ColumnName = featureColumn;
        var data = ml.Data.LoadFromEnumerable(example, schema);
        var trainer = ml.BinaryClassification.Trainers.LinearSvm(new LinearSvmTrainer.Options
        {
            FeatureColumnName = featureColumn,
            LabelColumnName = nameof(OneExample.Label),
            NumberOfIterations = 1,
            Lambda = MathF.ScaleB(1, -30),
            NoBias = true,
            Shuffle = false,
            PerformProjection = false,
        });
        var identity = trainer.Fit(data);
        var weights = identity.Model.Weights;
        if (weights.Count != width || weights.Any(w => w != 1f) || identity.Model.Bias != 0f)
            throw new InvalidOperationException(
                $"ML.NET's LinearSvm no longer yields the exact identity scorer (weights [{string.Join(", ", weights)}], bias {identity.Model.Bias}; " +
                $"expected {width} weights of 1 and bias 0); Vae.MLNet needs updating for this ML.NET version.");
        return WithThreshold(ml, identity, threshold);
    }

    public static BinaryPredictionTransformer<LinearBinaryModelParameters> WithThreshold(
        MLContext ml, BinaryPredictionTransformer<LinearBinaryModelParameters> scorer, float threshold)
    {
        if (!float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"The anomaly threshold must be a finite number; got {threshold}.");
        return ml.BinaryClassification.ChangeModelThreshold(scorer, threshold);
    }

    private sealed class OneExample
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }
}
