namespace Vae.Training;

/// <summary>
/// A progress report from <see cref="VaeTrainer"/>: sent every few batches while training and once per
/// finished epoch (<see cref="CompletedEpoch"/> set). Epoch and batch numbers are 1-based.
/// </summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Epochs the run will reach.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchesPerEpoch">Batches in one epoch.</param>
/// <param name="Reconstruction">Running mean reconstruction term per image over this epoch so far.</param>
/// <param name="Kl">Running mean KL per image over this epoch so far.</param>
/// <param name="CompletedEpoch">The metrics of the epoch that just finished (null for batch reports).</param>
public sealed record TrainProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double Reconstruction, double Kl, EpochMetrics? CompletedEpoch = null);
