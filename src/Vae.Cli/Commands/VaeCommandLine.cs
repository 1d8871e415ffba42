using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Spectre.Console;

namespace Vae.Cli;

/// <summary>The <c>vae</c> command tree (train, export, eval, sample, interpolate, demo).</summary>
internal static class VaeCommandLine
{
    /// <summary>Exit code of a command that finished.</summary>
    public const int Success = 0;
    /// <summary>Exit code of an unexpected failure (a bug: the message names the exception type).</summary>
    public const int Failure = 1;
    /// <summary>Exit code of a bad command line or bad input (missing file, invalid option value, corrupt data).</summary>
    public const int UsageError = 2;
    /// <summary>Exit code after Ctrl+C (128 + SIGINT), once the checkpoint is saved.</summary>
    public const int Interrupted = 130;

    /// <summary>Parses <paramref name="args"/> and runs the chosen command on the process console; returns the exit code.</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error, AnsiConsole.Console);

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command. Help goes to <paramref name="output"/>;
    /// errors are one line on <paramref name="error"/> (no stack trace); progress and tables go to <paramref name="console"/>.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        console ??= AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var root = BuildRoot(new CliContext(console, output, error));
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            string command = parse.CommandResult.Command == root ? "vae" : $"vae {parse.CommandResult.Command.Name}";
            // "Required command was not provided" is the least useful error when a token was also unrecognised.
            var first = parse.Errors.OrderBy(e => parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal)) ? 0 : 1).First();
            error.WriteLine($"vae: {OneLine(first.Message)} (see '{command} --help')");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // commands handle Ctrl+C themselves (checkpoint, then exit)
                Output = output,
                Error = error,
            });
        }
        catch (Training.TrainingDivergedException e)
        {
            error.WriteLine($"vae: training diverged: {Describe(e)}");
            return Failure;
        }
        catch (Exception e) when (IsInputError(e))
        {
            error.WriteLine($"vae: {Describe(e)}");
            return UsageError;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("VAE_DEBUG") != "1")
        {
            error.WriteLine($"vae: unexpected {e.GetType().Name}: {Describe(e)} (set VAE_DEBUG=1 for the stack trace)");
            return Failure;
        }
    }

    /// <summary>The root command with every subcommand.</summary>
    internal static Command BuildRoot(CliContext context)
    {
        // A plain command named "vae" rather than RootCommand, whose name is the host executable's
        // ("Vae.Training" under dotnet run, "testhost" under tests): help always reads "vae ...".
        var root = new Command("vae",
            "vae: train a variational autoencoder on images (TorchSharp), export it as ONNX (vae.onnx + decoder.onnx), " +
            "and use it from ML.NET. Start with 'vae demo'.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(SampleCommand.Create(context));
        root.Subcommands.Add(InterpolateCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        return root;
    }

    // Problems with what the user gave us (files, values, data) rather than bugs in this program.
    private static bool IsInputError(Exception e) => e is ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or UnauthorizedAccessException or NotSupportedException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
        || (e is InvalidOperationException && e.GetType() == typeof(InvalidOperationException))
        || (e is AggregateException { InnerExceptions.Count: 1 } a && IsInputError(a.InnerExceptions[0]));

    private static string Describe(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } a) return Describe(a.InnerExceptions[0]);
        // One line: inner messages join the outer one, newlines become spaces.
        string message = e.InnerException != null && !e.Message.Contains(e.InnerException.Message, StringComparison.Ordinal)
            ? $"{e.Message} ({e.InnerException.Message})" : e.Message;
        return OneLine(message);
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(new[] { '\n', '\r', '\t' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
