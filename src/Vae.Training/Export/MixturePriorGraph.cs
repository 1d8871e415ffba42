using TorchSharp;
using Vae.MLNet.Onnx;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training.Export;

/// <summary>
/// The <c>kl</c> output under a <see cref="MixturePrior"/>, node for node the formula of
/// <see cref="MixturePrior.Kl"/>: KL = −log Σ_c π_c exp(−KL_c), KL_c = ½ Σ_j (log v_cj − log σ_j² +
/// (σ_j² + (μ_j − m_cj)²) / v_cj − 1). The log-sum-exp subtracts its maximum, so no component's
/// exp under- or overflows.
/// </summary>
internal static class MixturePriorGraph
{
    /// <summary>Adds the nodes; <paramref name="mu"/> and <paramref name="logVar"/> are [N, k]; the result is [N].</summary>
    public static string Kl(OnnxGraphBuilder builder, MixturePrior prior, string mu, string logVar, string output)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        // The same copy as the layers' weights: float32 initializers, a non-finite value refused naming the tensor.
        string means = TorchLayerEmitter.Weights(builder, prior.Means, "prior.means");
        string logVariances = TorchLayerEmitter.Weights(builder, prior.LogVars, "prior.log_variances");
        string inverseVariances = TorchLayerEmitter.Weights(builder, (-prior.LogVars).exp(), "prior.inverse_variances");
        string logWeights = TorchLayerEmitter.Weights(builder, nn.functional.log_softmax(prior.Logits, 0), "prior.log_weights");

        string axis1 = builder.AddInitializer("axes_1", new long[] { 1 }, 1);
        string mu3 = builder.AddNode("Unsqueeze", [mu, axis1], "prior_mu");           // [N, 1, k]
        string logVar3 = builder.AddNode("Unsqueeze", [logVar, axis1], "prior_logvar"); // [N, 1, k]
        string difference = builder.AddNode("Sub", [mu3, means], "prior_difference");   // [N, K, k]
        string squared = builder.AddNode("Mul", [difference, difference], "prior_difference_squared");
        string spread = builder.AddNode("Add", [squared, builder.AddNode("Exp", [logVar3], "prior_variance")], "prior_spread");
        string ratio = builder.AddNode("Mul", [spread, inverseVariances], "prior_ratio");
        string logRatio = builder.AddNode("Sub", [logVariances, logVar3], "prior_log_ratio");
        string terms = builder.AddNode("Sub", [builder.AddNode("Add", [logRatio, ratio], "prior_terms_sum"), builder.AddScalar("one", 1f)], "prior_terms");
        string axis2 = builder.AddInitializer("axes_2", new long[] { 2 }, 1);
        string doubled = builder.AddNode("ReduceSum", [terms, axis2], "prior_component_kl_doubled", OnnxAttribute.Int("keepdims", 0));
        string componentKl = builder.AddNode("Mul", [doubled, builder.AddScalar("half", 0.5f)], "prior_component_kl"); // [N, K]
        string scores = builder.AddNode("Sub", [logWeights, componentKl], "prior_scores");

        string max = builder.AddNode("ReduceMax", [scores], "prior_scores_max", OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
        string shifted = builder.AddNode("Exp", [builder.AddNode("Sub", [scores, max], "prior_scores_shifted")], "prior_exp");
        string sum = builder.AddNode("ReduceSum", [shifted, axis1], "prior_exp_sum", OnnxAttribute.Int("keepdims", 1));
        string logSumExp = builder.AddNode("Add", [builder.AddNode("Log", [sum], "prior_log_sum"), max], "prior_log_sum_exp");
        string flat = builder.AddNode("Squeeze", [logSumExp, axis1], "prior_log_sum_exp_flat");
        return builder.AddNode("Neg", [flat], output);
    }
}
