using System.Diagnostics;

namespace MiniMesos.Tests.MessagePack;

/// <summary>
/// Runs tests/oracles/msgpack_oracle.py with Debian's /usr/bin/python3 (the interpreter that sees
/// python3-msgpack). A missing interpreter or module is a failure, never a skip.
/// </summary>
internal static class PythonOracle
{
    public const string Interpreter = "/usr/bin/python3";

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "oracles", "msgpack_oracle.py");

    public static (int ExitCode, string Output) Run(params string[] args) => RunScript(ScriptPath, TimeSpan.FromSeconds(60), args);

    /// <summary>Runs any script of tests/oracles with the Debian interpreter; stdout then stderr.</summary>
    public static (int ExitCode, string Output) RunScript(string scriptPath, TimeSpan timeout, params string[] args)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} not found: install python3-msgpack (apt-get install python3-msgpack)");
        if (!File.Exists(scriptPath))
            throw new InvalidOperationException($"oracle script missing at {scriptPath}");
        var psi = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(scriptPath);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill();
            throw new TimeoutException($"{Path.GetFileName(scriptPath)} did not finish within {timeout.TotalSeconds:0} s");
        }
        string output = stdout.Result + stderr.Result;
        if (p.ExitCode == 3)
            throw new InvalidOperationException("python3-msgpack is not importable by /usr/bin/python3: install python3-msgpack. " + output);
        return (p.ExitCode, output);
    }
}
