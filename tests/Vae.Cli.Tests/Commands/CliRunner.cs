using Spectre.Console;
using Vae.Cli;

namespace Vae.Training.Tests.Cli;

/// <summary>Runs the CLI in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        int code = VaeCommandLine.Run(args, output, error, console);
        return new Result(code, output.ToString(), error.ToString());
    }
}
