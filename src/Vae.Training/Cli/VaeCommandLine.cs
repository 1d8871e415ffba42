namespace Vae.Training.Cli;

/// <summary>The <c>vae</c> command tree (train, export, eval, sample, interpolate, demo).</summary>
public static class VaeCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("vae: commands are not implemented yet.");
        return 1;
    }
}
