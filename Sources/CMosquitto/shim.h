#ifndef KERBSIDE_CMOSQUITTO_SHIM_H
#define KERBSIDE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
