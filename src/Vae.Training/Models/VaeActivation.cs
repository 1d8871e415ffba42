namespace Vae.Training.Models;

/// <summary>The nonlinearity between a VAE's hidden layers (the heads and the decoder's output stay linear).</summary>
public enum VaeActivation
{
    /// <summary>max(0, x): the classic choice and the default.</summary>
    Relu,
    /// <summary>ELU (α = 1): smooth, and negative outputs keep a gradient, which deep VAE stacks often train better with.</summary>
    Elu,
    /// <summary>SiLU / swish, x·sigmoid(x) (the activation of NVAE); exported as Sigmoid then Mul.</summary>
    Silu,
}
