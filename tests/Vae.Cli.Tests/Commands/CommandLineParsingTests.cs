using Vae.Cli;

namespace Vae.Training.Tests.Cli;

public class CommandLineParsingTests
{
    private static void AssertUsageError(CliRunner.Result result, params string[] fragments)
    {
        Assert.Equal(VaeCommandLine.UsageError, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one line, no stack trace
        Assert.StartsWith("vae: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (var fragment in fragments) Assert.Contains(fragment, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_numbers_are_rejected_with_the_option_and_value()
    {
        AssertUsageError(CliRunner.Run("train", "--epochs", "0"), "--epochs must be in 1..100000, got 0");
        AssertUsageError(CliRunner.Run("train", "--lr", "-1"), "--lr must be > 0", "-1");
        AssertUsageError(CliRunner.Run("train", "--beta", "NaN"), "--beta");
        AssertUsageError(CliRunner.Run("train", "--conv-depth", "-1"), "--conv-depth must be in 0..16, got -1");
        AssertUsageError(CliRunner.Run("train", "--conv-dense", "0"), "--conv-dense must be ≥ 1, got 0");
        AssertUsageError(CliRunner.Run("train", "--conv-head", "-2"), "--conv-head must be in 0..1024, got -2");
        AssertUsageError(CliRunner.Run("train", "--augment-shift", "-1"), "--augment-shift must be in 0..64, got -1");
    }

    [Fact]
    public void Unparsable_values_and_unknown_choices_are_rejected()
    {
        AssertUsageError(CliRunner.Run("train", "--latent", "many"), "many");
        AssertUsageError(CliRunner.Run("train", "--arch", "transformer"), "transformer");
        AssertUsageError(CliRunner.Run("train", "--likelihood", "poisson"), "poisson");
        AssertUsageError(CliRunner.Run("train", "--lr-schedule", "step"), "step");
        AssertUsageError(CliRunner.Run("train", "--activation", "tanh"), "tanh");
        AssertUsageError(CliRunner.Run("train", "--hidden", "400,x"), "--hidden", "400,x");
        AssertUsageError(CliRunner.Run("train", "--image-size", "28"), "--image-size", "'28'");
    }

    [Fact]
    public void Unknown_options_and_commands_are_rejected()
    {
        AssertUsageError(CliRunner.Run("train", "--bogus"), "--bogus", "vae train --help");
        AssertUsageError(CliRunner.Run("fly"), "fly");
    }

    [Fact]
    public void Missing_files_and_folders_are_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"));
        AssertUsageError(CliRunner.Run("train", "--data", missing), missing);
        AssertUsageError(CliRunner.Run("sample", "--decoder", missing + ".onnx"), missing + ".onnx");
        AssertUsageError(CliRunner.Run("train", "--resume", missing + ".vaeckpt"), missing + ".vaeckpt");
    }

    [Fact]
    public void Conflicting_or_missing_choices_are_rejected()
    {
        string dir = Path.GetTempPath();
        AssertUsageError(CliRunner.Run("train", "--data", dir, "--images", dir), "--data and --images");
        AssertUsageError(CliRunner.Run("train", "--images", dir, "--background", "white"), "#RRGGBB");
        AssertUsageError(CliRunner.Run("train", "--images", dir, "--resize", "squash"), "--resize");
        AssertUsageError(CliRunner.Run("train", "--label-depth", "2"), "--label-depth");
        AssertUsageError(CliRunner.Run("eval"), "--model", "--checkpoint");
        AssertUsageError(CliRunner.Run("sample"), "--decoder");
    }

    [Fact]
    public void A_corrupt_checkpoint_is_one_line_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.vaeckpt");
        File.WriteAllText(path, "not a checkpoint");
        try
        {
            AssertUsageError(CliRunner.Run("export", "--checkpoint", path, "--out", Path.GetTempPath()), path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_IDX_folder_without_images_is_named()
    {
        var dir = Directory.CreateTempSubdirectory("vae-empty-").FullName;
        try
        {
            AssertUsageError(CliRunner.Run("eval", "--model", typeof(CommandLineParsingTests).Assembly.Location, "--data", dir), dir, "no IDX images");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Theory]
    [InlineData("train")]
    [InlineData("export")]
    [InlineData("eval")]
    [InlineData("sample")]
    [InlineData("interpolate")]
    [InlineData("demo")]
    public void Help_describes_every_option(string command)
    {
        var result = CliRunner.Run(command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"vae {command} [options]", result.Output, StringComparison.Ordinal);
        var optionLines = result.Output.Split('\n').SkipWhile(l => !l.StartsWith("Options:", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(optionLines);
        foreach (var line in optionLines)
        {
            // "  --name <ARG>    description": a description follows the option's name and argument.
            var parts = line.Trim().Split("  ", 2, StringSplitOptions.RemoveEmptyEntries);
            Assert.True(parts.Length == 2 && parts[1].Trim().Length > 10, $"'{command}' option without a description: '{line.Trim()}'");
        }
    }

    [Fact]
    public void Root_help_lists_every_command()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "train", "export", "eval", "sample", "interpolate", "demo" })
            Assert.Contains($"  {command} ", result.Output, StringComparison.Ordinal);
    }
}
