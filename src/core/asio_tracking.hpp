// Asio's custom handler tracking (BOOST_ASIO_CUSTOM_HANDLER_TRACKING, set for every file of
// the project by CMakeLists.txt): the invocation of every handler goes through
// loop_watch::Step; nothing else is tracked (the other hooks are empty).
#pragma once

#include "core/loop_watch.hpp"

#define BOOST_ASIO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_ALSO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_HANDLER_TRACKING_INIT (void)0
#define BOOST_ASIO_HANDLER_LOCATION(args) (void)0
#define BOOST_ASIO_HANDLER_CREATION(args) (void)0
#define BOOST_ASIO_HANDLER_COMPLETION(args) ::concbench::loop_watch::Step tracked_completion
#define BOOST_ASIO_HANDLER_INVOCATION_BEGIN(args) tracked_completion.begin()
#define BOOST_ASIO_HANDLER_INVOCATION_END tracked_completion.end()
#define BOOST_ASIO_HANDLER_OPERATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_READ_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_WRITE_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_ERROR_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_OPERATION(args) (void)0
