using System.Diagnostics;
using System.Text;

namespace Vae.Tests.Shared;

/// <summary>
/// (Linked into the test projects that start dotnet, the tool or the notebook kernel as a user would.)
/// Runs a program as a child process with a time limit and its own environment changes, capturing stdout and
/// stderr together in arrival order. A run that overruns is killed with its process tree (only what it started).
/// </summary>
public static class ChildProcess
{
    public sealed record Result(string Command, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
    {
        public bool Succeeded => !TimedOut && ExitCode == 0;

        /// <summary>What a failed assertion should show: the command, how it ended, and the output's last lines.</summary>
        public string Describe(int tailChars = 6000)
        {
            string ending = TimedOut ? "timed out and was killed" : $"exited with {ExitCode}";
            string tail = Output.Length <= tailChars ? Output : "...\n" + Output[^tailChars..];
            return $"`{Command}` {ending} after {Elapsed.TotalSeconds:F1} s. Output:\n{tail}";
        }
    }

    /// <summary>The dotnet executable running these tests (so the child uses the same SDK), else dotnet on PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <paramref name="fileName"/>; a null value in <paramref name="environment"/> removes that variable.</summary>
    public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        // The test host's MSBuild variables would point a nested build (or the kernel's restore) at the outer one's SDK internals.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0"; // no build server left running after the test
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value == null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        string command = string.Join(' ', new[] { fileName }.Concat(start.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        else process.WaitForExit(); // drains the asynchronous readers
        clock.Stop();
        lock (output)
            return new Result(command, exited ? process.ExitCode : -1, !exited, clock.Elapsed, output.ToString());
    }
}
