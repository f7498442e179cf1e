#pragma once

// Handlers of the server administration commands, one file per command
// (command_cmd.cc, info.cc, config.cc, slowlog.cc, latency.cc, memory.cc),
// registered in server.cc's table.
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/command.h"

namespace lumadb::protocol::resp {

void CommandCommand(CommandContext& ctx);
void InfoCommand(CommandContext& ctx);
void ConfigCommand(CommandContext& ctx);
void SlowlogCommand(CommandContext& ctx);
void LatencyCommand(CommandContext& ctx);
void MemoryCommand(CommandContext& ctx);
// MEMORY USAGE's key (the only MEMORY subcommand with one).
bool MemoryKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys);

// INFO's text for the given section names (lowercase; empty = default).
std::string InfoText(CommandContext& ctx, const std::vector<std::string>& sections);

// Redis's addReplyHelp: "<CMD> <subcommand> [<arg> [value] [opt] ...].
// Subcommands are:", the lines, then HELP.
void WriteHelp(Writer& w, std::string_view command, const std::vector<std::string>& lines);
// "ERR unknown subcommand '<sub>'. Try <CMD> HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);
// The error for args[1] that no branch of a container command took: Redis's
// unknown-subcommand error, or (for a subcommand it has, given arguments it
// does not take) "unknown subcommand or wrong number of arguments for ...".
void BadSubcommand(CommandContext& ctx, std::string_view command);

// Bytes as INFO prints them: 943.02K, 11.83M, 0B.
std::string HumanBytes(uint64_t bytes);

}  // namespace lumadb::protocol::resp
