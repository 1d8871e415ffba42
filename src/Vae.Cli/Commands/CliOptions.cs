using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Vae.Cli;

/// <summary>Builders for options with a description, a default and a range check (errors name the option and the value).</summary>
internal static class CliOptions
{
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(r =>
        {
            if (TryGet(r, out int value)) CheckRange(r, name, value, min, max);
        });
        return option;
    }

    /// <summary>An on/off switch, off unless given.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<double> Double(string name, string description, double defaultValue, double min, double max = double.MaxValue, bool minExclusive = false)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "X" };
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out double value)) return;
            if (!double.IsFinite(value) || value < min || (minExclusive && value == min) || value > max)
                r.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"{name} must be {(minExclusive ? ">" : "≥")} {min}{(max < double.MaxValue ? $" and ≤ {max}" : "")}, got {value}."));
        });
        return option;
    }

    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = string.Join('|', choices) };
        AddChoiceCheck(option, name, choices);
        return option;
    }

    /// <summary>A choice without a fixed default: the value is null when the option is not given (the description says what happens then).</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join('|', choices) };
        AddChoiceCheck(option, name, choices);
        return option;
    }

    private static void AddChoiceCheck<T>(Option<T> option, string name, string[] choices)
    {
        option.CompletionSources.Add(choices);
        option.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string>();
            if (!choices.Contains(value, StringComparer.Ordinal))
                r.AddError($"{name} must be one of {string.Join(", ", choices)}; got '{value}'.");
        });
    }

    public static Option<FileInfo> ExistingFile(string name, string description, bool required = false)
    {
        var option = new Option<FileInfo>(name) { Description = description, Required = required, HelpName = "FILE" };
        option.AcceptExistingOnly();
        return option;
    }

    public static Option<DirectoryInfo> ExistingDirectory(string name, string description)
    {
        var option = new Option<DirectoryInfo>(name) { Description = description, HelpName = "DIR" };
        option.AcceptExistingOnly();
        return option;
    }

    public static Option<DirectoryInfo> OutputDirectory(string description, string defaultValue) =>
        new("--out") { Description = description, HelpName = "DIR", DefaultValueFactory = _ => new DirectoryInfo(defaultValue) };

    // Validators also run when the text did not convert; the parser has already reported that error.
    private static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static void CheckRange(OptionResult result, string name, int value, int min, int max)
    {
        if (value < min || value > max)
            result.AddError(string.Create(CultureInfo.InvariantCulture,
                $"{name} must be {(max == int.MaxValue ? $"≥ {min}" : $"in {min}..{max}")}, got {value}."));
    }
}
