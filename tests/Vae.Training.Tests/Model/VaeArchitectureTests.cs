using Vae.Training.Models;

namespace Vae.Training.Tests.Model;

public class VaeArchitectureTests
{
    [Fact]
    public void AnUndefinedActivationIsRejectedNamingTheChoices()
    {
        // E.g. a checkpoint from a newer version, or a cast in user code.
        var architecture = VaeArchitecture.Mlp(latentDim: 4, hidden: 32) with { Activation = (VaeActivation)7 };
        var e = Assert.Throws<ArgumentException>(() => architecture.Validated());
        Assert.Contains("Unknown activation 7; expected one of Relu, Elu, Silu", e.Message, StringComparison.Ordinal);
    }
}
