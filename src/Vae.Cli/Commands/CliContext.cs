using Spectre.Console;

namespace Vae.Cli;

/// <summary>Where commands write: the Spectre console for progress and tables, plain writers for help and errors.</summary>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Output, TextWriter Error);
