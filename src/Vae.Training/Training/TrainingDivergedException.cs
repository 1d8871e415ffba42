namespace Vae.Training;

/// <summary>
/// Thrown when the training loss becomes NaN or infinite. The weights of the failing step are not applied
/// and no checkpoint is written for the failing epoch, so <see cref="CheckpointPath"/> (if any) holds the
/// last good state.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the epoch, batch and last good checkpoint.</summary>
    public TrainingDivergedException(int epoch, int batch, double loss, string? checkpointPath)
        : base($"Training diverged: the loss is {loss} at epoch {epoch}, batch {batch}. The step was not applied. " +
               (checkpointPath != null ? $"The last good checkpoint, {checkpointPath}, is kept. " : "No checkpoint was written. ") +
               "Try a lower learning rate, or check the input for extreme values.")
        => (Epoch, Batch, Loss, CheckpointPath) = (epoch, batch, loss, checkpointPath);

    /// <summary>Creates the exception with a custom message.</summary>
    public TrainingDivergedException() { }
    /// <summary>Creates the exception with a custom message.</summary>
    public TrainingDivergedException(string message) : base(message) { }
    /// <summary>Creates the exception with a custom message and cause.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Epoch (1-based) in which the loss stopped being finite.</summary>
    public int Epoch { get; }
    /// <summary>Batch (1-based) within that epoch.</summary>
    public int Batch { get; }
    /// <summary>The offending loss value.</summary>
    public double Loss { get; }
    /// <summary>The last good checkpoint, or null.</summary>
    public string? CheckpointPath { get; }
}
