namespace Vae.Cli;

/// <summary>Entry point of the <c>vae</c> command-line tool.</summary>
internal static class Program
{
    /// <summary>Runs the CLI.</summary>
    public static int Main(string[] args) => VaeCommandLine.Run(args);
}
