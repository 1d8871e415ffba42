namespace Vae.MLNet;

/// <summary>
/// Names of the intermediate columns the detector's chain adds and drops again, and of the two columns it
/// leaves (the names RandomizedPca and ML.NET's evaluators use).
/// </summary>
internal static class AnomalyColumns
{
    public const string Error = "VaeAnomaly.ReconstructionError";
    public const string Kl = "VaeAnomaly.Kl";
    public const string Mu = "VaeAnomaly.Mu";
    public const string LogVar = "VaeAnomaly.LogVar";
    public const string ScoreVector = "VaeAnomaly.ScoreVector";

    /// <summary>The anomaly score, Single, larger = more anomalous.</summary>
    public const string Score = "Score";
    /// <summary>Score &gt; threshold, Boolean.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
