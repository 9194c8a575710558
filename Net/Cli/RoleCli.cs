using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MiniMesos.Core.State;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos role list [--json]` and `minimesos role weight ROLE W`: the offer allocator's roles and their weights.</summary>
internal static class RoleCli
{
    public static Command Command()
    {
        var role = new Command("role", "Roles of the offer allocator: fairness is weighted between roles first, then between a role's frameworks.");
        var json = ClientCommand.Json();
        role.Subcommands.Add(ClientCommand.Create("list", "List roles: name, weight, frameworks, dominant share (plain and divided by the weight).", [json],
            async (client, parse, ct) =>
            {
                if (parse.GetValue(json)) return await TaskCli.PrintJsonAsync(client, "/v1/roles", ct).ConfigureAwait(false);
                var list = JsonSerializer.Deserialize(await client.GetJsonAsync("/v1/roles", ct).ConfigureAwait(false), ApiJsonContext.Api.RoleList)!;
                Console.WriteLine($"{"ROLE",-20} {"WEIGHT",8} {"SHARE",8} {"WEIGHTED",8} FRAMEWORKS");
                foreach (var r in list.Roles)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Name,-20} {r.Weight,8:0.###} {r.Share,8:0.###} {r.WeightedShare,8:0.###} {(r.Frameworks.Count == 0 ? "-" : string.Join(',', r.Frameworks))}"));
                }
                return ExitCodes.Success;
            }));
        var name = new Argument<string>("ROLE") { Description = "The role ('*' is the default role; quote it in the shell)." };
        var weight = new Argument<string>("WEIGHT") { Description = $"Its weight: a number greater than 0 and at most {RoleRules.MaxWeight} (default 1)." };
        role.Subcommands.Add(ClientCommand.Create("weight", "Set a role's weight: weight 2 entitles the role to twice the share of a weight-1 role.",
            [name, weight], async (client, parse, ct) =>
            {
                var roleName = parse.GetValue(name)!;
                if (RoleRules.RoleProblem(roleName) is { } badRole) throw new CliException($"ROLE: '{roleName}' {badRole}", ExitCodes.UsageError);
                var text = parse.GetValue(weight)!;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || RoleRules.WeightProblem(w) is not null)
                    throw new CliException($"WEIGHT: '{text}' {RoleRules.WeightProblem(double.NaN)}", ExitCodes.UsageError);
                var body = string.Create(CultureInfo.InvariantCulture, $"{{\"weight\":{w:R}}}");
                var (status, answer) = await client.SendAsync(HttpMethod.Put, $"/v1/roles/{Uri.EscapeDataString(roleName)}", body, ct).ConfigureAwait(false);
                if (status is < 200 or >= 300) throw AgentCli.Refused(status, answer);
                var view = JsonSerializer.Deserialize(answer, ApiJsonContext.Api.RoleView)!;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"role {view.Name}: weight {view.Weight:0.###}"));
                return ExitCodes.Success;
            }));
        return role;
    }
}
