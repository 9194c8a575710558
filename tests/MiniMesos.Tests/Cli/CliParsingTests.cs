using MiniMesos.Net.Cli;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Cli;

public sealed class CliParsingTests
{
    [Theory]
    [InlineData("pi1", "pi1", 5050)]
    [InlineData("pi1:6000", "pi1", 6000)]
    [InlineData("http://10.0.0.1:5050/", "10.0.0.1", 5050)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("[::1]", "::1", 5050)]
    [InlineData("fe80::1", "fe80::1", 5050)]
    public void EndpointsParse(string text, string host, int port) =>
        Assert.Equal((host, port), Endpoint.Parse(text, 5050, "--master"));

    [Theory]
    [InlineData("pi1:0")]
    [InlineData("pi1:70000")]
    [InlineData("pi1:x")]
    [InlineData(":5050")]
    [InlineData("")]
    [InlineData("[::1")]
    public void BadEndpointsNameTheFlag(string text)
    {
        var e = Assert.Throws<ConfigException>(() => Endpoint.Parse(text, 5050, "--master"));
        Assert.StartsWith("--master:", e.Message);
    }

    [Fact]
    public void ResourcesParse()
    {
        var r = ResourceParser.Parse("cpus=1.5; mem=2048;disk:100");
        Assert.Equal(1.5, r.Cpus);
        Assert.Equal(2048, r.MemMb);
        Assert.Equal(100, r.DiskMb);
        Assert.Null(ResourceParser.Parse(null).Cpus);
        Assert.Equal("[31000-31099,31200]", ResourceParser.Parse("cpus=2;ports=[31000-31099, 31200]").Ports.ToString());
    }

    [Theory]
    [InlineData("gpus=1", "unknown resource 'gpus'")]
    [InlineData("cpus=-1", "not a positive number")]
    [InlineData("mem=1.5", "whole number")]
    [InlineData("cpus", "not name=value")]
    [InlineData("ports=[32000-31000]", "ports: '32000-31000' is not a port range")]
    [InlineData("ports=[]", "ports: '[]' has no port")]
    public void BadResourcesAreRefused(string text, string reason) =>
        Assert.Contains(reason, Assert.Throws<ConfigException>(() => ResourceParser.Parse(text)).Message);

    [Fact]
    public void AttributesParseAndBadOnesNameTheProblem()
    {
        var a = AttributeParser.Parse("rack=r1; zone:a");
        Assert.Equal("r1", a["rack"]);
        Assert.Equal("a", a["zone"]);
        Assert.Contains("not name=value", Assert.Throws<ConfigException>(() => AttributeParser.Parse("rack")).Message);
        Assert.Contains("empty value", Assert.Throws<ConfigException>(() => AttributeParser.Parse("rack=")).Message);
        Assert.Contains("not a valid name", Assert.Throws<ConfigException>(() => AttributeParser.Parse("r ck=1")).Message);
    }

    [Fact]
    public void GeneratedTokensAreLongAndDistinct()
    {
        var a = ClusterSecret.Generate();
        Assert.Null(ClusterSecret.Validate(a));
        Assert.NotEqual(a, ClusterSecret.Generate());
        Assert.NotNull(ClusterSecret.Validate("short"));
        Assert.NotNull(ClusterSecret.Validate("has a space in the middle"));
    }

    [Fact]
    public void MasterStoresItsGeneratedTokenPrivatelyAndReusesIt()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-test-").FullName;
        try
        {
            var (first, generated) = ClusterSecret.LoadOrCreate(null, dir);
            Assert.True(generated);
            var path = Path.Combine(dir, ClusterSecret.FileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var (second, again) = ClusterSecret.LoadOrCreate(null, dir);
            Assert.False(again);
            Assert.Equal(first.Token, second.Token);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

public sealed class CompletionTests
{
    [Fact]
    public void BashCompletionIsValidBashAndCompletesCommandsAndFlags()
    {
        var script = Path.Combine(Path.GetTempPath(), $"minimesos-completion-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, CompletionCli.Bash(CommandLine.Build()));
        try
        {
            string Complete(params string[] words)
            {
                var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add($"source {script}; COMP_WORDS=({string.Join(' ', words)}); COMP_CWORD={words.Length - 1}; _minimesos; echo \"${{COMPREPLY[@]}}\"");
                using var bash = System.Diagnostics.Process.Start(info)!;
                var output = bash.StandardOutput.ReadToEnd().Trim();
                bash.WaitForExit();
                Assert.Equal(0, bash.ExitCode);
                return output;
            }
            Assert.Equal("task", Complete("minimesos", "ta"));
            Assert.Equal("list logs", Complete("minimesos", "task", "l"));
            Assert.Equal("--cpus --constraint", Complete("minimesos", "run", "--c"));
            Assert.Equal("--cpus", Complete("minimesos", "run", "--cp"));
            Assert.Contains("--bootstrap-expect", Complete("minimesos", "master", "--"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory]
    [InlineData(new[] { "run", "--volume", "x" }, "unknown option '--volume'")]
    [InlineData(new[] { "run", "--cpus", "1", "-z", "true" }, "unknown option '-z'")]
    public void AnUnknownOptionBeforeTheProgramIsAUsageError(string[] args, string expected) =>
        Assert.Contains(Errors(args), e => e.StartsWith(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData("run", "--", "-weird", "x")]
    [InlineData("run", "--cpus", "1", "--", "--version")]
    [InlineData("run", "sh", "-c", "echo --image")]
    [InlineData("run", "--help")]
    [InlineData("run", "-h")]
    [InlineData("run", "--image", "oci:/srv/img:1")]
    [InlineData("run", "--image", "nginx", "--force-pull", "--", "-g", "daemon off;")]
    public void AProgramStartingWithADashGoesAfterTheDoubleDash(params string[] args) =>
        Assert.Empty(Errors(args));

    [Fact]
    public void ACallBuildsOnlyTheCommandItNamesAndTheSameErrorsComeOut()
    {
        var all = CommandLine.Build();
        // Every top-level command is in the table under its own name, in the order the full tree lists them.
        Assert.Equal(CommandLine.Commands.Select(c => c.Name), all.Subcommands.Select(c => c.Name));
        foreach (var (name, _) in CommandLine.Commands.Where(c => c.Name != "completion"))
            Assert.Equal([name], CommandLine.Build(name).Subcommands.Select(c => c.Name));
        // Completion scripts and an unknown command (for its suggestions) get the whole tree.
        Assert.Equal(all.Subcommands.Count, CommandLine.Build("completion").Subcommands.Count);
        Assert.Equal(all.Subcommands.Count, CommandLine.Build("rnu").Subcommands.Count);
        foreach (var args in new[] { new[] { "run", "--cpus", "x", "--", "true" }, ["status", "--bogus"], ["task", "frob"], ["run", "--image"] })
        {
            var one = CommandLine.Build(args[0]);
            Assert.NotEmpty(CommandLine.UsageErrors(one, one.Parse(args), args));
            Assert.Equal(CommandLine.UsageErrors(all, all.Parse(args), args), CommandLine.UsageErrors(one, one.Parse(args), args));
        }
    }

    [Theory]
    [InlineData("run", "--token", "0123456789abcdef", "--master", "127.0.0.1:5050", "--cpus", "0.5", "-e", "A=1", "--", "sh", "-c", "exit 3")]
    [InlineData("run", "--cpus", "x", "--", "true")]
    [InlineData("run", "--image")]
    [InlineData("run", "--bogus", "--", "true")]
    [InlineData("run", "--name", "-x", "--", "-h")]
    [InlineData("status", "--bogus")]
    [InlineData("status", "--master", "http://pi1:5050")]
    [InlineData("task", "frob")]
    [InlineData("task", "logs", "t1", "--follow")]
    [InlineData("app", "deploy")]
    public void TheLeanTreeParsesAsTheWholeOneDoes(params string[] args)
    {
        var lean = CommandLine.BuildFor(args);
        Assert.IsNotType<System.CommandLine.RootCommand>(lean);
        var all = CommandLine.Build();
        var (leanParse, allParse) = (lean.Parse(args), all.Parse(args));
        Assert.Equal(CommandLine.UsageErrors(all, allParse, args), CommandLine.UsageErrors(lean, leanParse, args));
        Assert.Equal(allParse.CommandResult.Command.Name, leanParse.CommandResult.Command.Name);
        Assert.Equal(allParse.UnmatchedTokens, leanParse.UnmatchedTokens);
        Assert.Equal(Values(allParse), Values(leanParse));
    }

    [Theory]
    [InlineData("run", "--help")]
    [InlineData("run", "-h")]
    [InlineData("status", "--version")]
    [InlineData("[suggest]", "ru")]
    [InlineData("completion", "bash")]
    [InlineData("rnu")]
    [InlineData("@args.rsp")]
    public void WhatOnlyTheRootCommandAnswersGetsIt(params string[] args) =>
        Assert.IsType<System.CommandLine.RootCommand>(CommandLine.BuildFor(args));

    /// <summary>Every option and argument the parse matched, with its value as text.</summary>
    private static List<string> Values(System.CommandLine.ParseResult parse)
    {
        var values = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var child in result.Children)
            {
                switch (child)
                {
                    case System.CommandLine.Parsing.OptionResult o:
                        values.Add($"{o.Option.Name}={string.Join(",", o.Tokens.Select(t => t.Value))}");
                        break;
                    case System.CommandLine.Parsing.ArgumentResult a:
                        values.Add($"{a.Argument.Name}={string.Join(",", a.Tokens.Select(t => t.Value))}");
                        break;
                }
            }
        }
        return values;
    }

    private static IReadOnlyList<string> Errors(string[] args)
    {
        var root = CommandLine.Build(args.Length > 0 ? args[0] : null);
        return CommandLine.UsageErrors(root, root.Parse(args), args);
    }
}
