using MiniMesos.Net.Cli;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>The CLI config file: parsing, where it is looked for, and its errors (file, line, key).</summary>
public sealed class CliConfigTests
{
    private static readonly string Token = ClusterSecret.Generate();

    [Fact]
    public void KeysValuesCommentsAndBlankLinesParse()
    {
        var config = CliConfig.Parse(["# my cluster", "", "master = pi1:5050", $"token={Token}", "  cluster =  home  ", "token_file = /etc/t"], "cfg");
        Assert.Equal(new CliConfig("pi1:5050", Token, "/etc/t", "home"), config);
        Assert.Equal(Token, config.Secret()!.Token);
        Assert.Null(new CliConfig().Secret());
    }

    [Theory]
    [InlineData("master pi1", "line 2", "key = value")]
    [InlineData("port = 5050", "line 2", "unknown key 'port'")]
    [InlineData("master =", "line 2", "key 'master' has no value")]
    [InlineData("token = short", "line 2", "key 'token'")]
    [InlineData("master = pi1:http", "line 2", "key 'master'")]
    [InlineData("cluster = a\ncluster = b", "line 3", "key 'cluster' is set twice")]
    public void BadLinesNameTheFileTheLineAndTheKey(string text, string line, string reason)
    {
        var e = Assert.Throws<ConfigException>(() => CliConfig.Parse(("# first\n" + text).Split('\n'), "/home/u/.config/minimesos/config"));
        Assert.Contains("config file '/home/u/.config/minimesos/config'", e.Message);
        Assert.Contains(line, e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void TheFileIsMinimesosConfigElseUnderXdgConfigHomeElseHome()
    {
        Assert.Equal(("/x/cfg", true), CliConfig.Locate(n => n == "MINIMESOS_CONFIG" ? "/x/cfg" : "/ignored"));
        Assert.Equal(("/xdg/minimesos/config", false), CliConfig.Locate(n => n == "XDG_CONFIG_HOME" ? "/xdg" : n == "HOME" ? "/h" : null));
        Assert.Equal(("/h/.config/minimesos/config", false), CliConfig.Locate(n => n == "HOME" ? "/h" : null));
    }

    [Fact]
    public void AMissingDefaultFileIsEmptyButAMissingNamedFileIsAnError()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-config-").FullName;
        try
        {
            Assert.Equal(new CliConfig(), CliConfig.Load(n => n == "HOME" ? dir : null));
            var named = Path.Combine(dir, "nope");
            Assert.Contains(named, Assert.Throws<ConfigException>(() => CliConfig.Load(n => n == "MINIMESOS_CONFIG" ? named : null)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
