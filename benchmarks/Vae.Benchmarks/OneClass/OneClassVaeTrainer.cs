namespace Vae.Benchmarks.OneClass;

/// <summary>
/// Trains a VAE on the training images of one class and returns the path of its contract-v1 ONNX model.
/// The benchmark loads the model and disposes it; the file stays the trainer's.
/// </summary>
/// <param name="normalClass">The class whose images are the "normal" data.</param>
/// <param name="trainingImages">That class's training images, C·H·W pixels in [0, 1] each.</param>
public delegate string OneClassVaeTrainer(int normalClass, IReadOnlyList<float[]> trainingImages);
