using System.Diagnostics;
using Xunit;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// Three lab hosts (198.18.0.1-3) from tests/lab/netlab.sh, named after this process so parallel runs do not
/// clash and a later run can remove them if this one dies. Also checks the python-zeroconf oracle is usable.
/// </summary>
public sealed class LabFixture : IDisposable
{
    public const string Python = "/usr/bin/python3";
    public const int Hosts = 3;

    public LabFixture()
    {
        Prefix = $"mm{Environment.ProcessId}";
        Script = Path.Combine(RepoRoot(), "tests", "lab", "netlab.sh");
        Run(Script, "cleanup-all");
        Run(Script, "down");
        Run(Script, $"up {Hosts}");
        var (rc, output) = Run(Python, "-c \"import zeroconf; print(zeroconf.__version__)\"", check: false);
        ZeroconfError = rc == 0 ? null :
            $"{Python} cannot import zeroconf: install the Debian package python3-zeroconf (apt-get install python3-zeroconf). {output}";
    }

    public string Prefix { get; }

    public string Script { get; }

    public string? ZeroconfError { get; }

    public string Host(int i) => $"{Prefix}-ns{i}";

    public static string Address(int i) => $"198.18.0.{i}";

    public static string OraclePath(string script) => Path.Combine(AppContext.BaseDirectory, "oracles", script);

    public void RequireZeroconf()
    {
        if (ZeroconfError is not null) Assert.Fail(ZeroconfError);
    }

    public void Lab(string args) => Run(Script, args);

    public void Ip(string args) => Run("ip", args);

    public void Dispose() => Run(Script, "down", check: false);

    private (int, string) Run(string file, string args, bool check = true)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NETLAB_PREFIX"] = Prefix;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {args} did not finish in 30 s");
        }
        var output = stdout.Result + stderr.Result;
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {output}");
        return (p.ExitCode, output);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "lab", "netlab.sh"))) return dir.FullName;
        }
        throw new InvalidOperationException("tests/lab/netlab.sh not found above the test output directory");
    }
}
